/** A CPU profile of the app taking in a burst (for docs/benchmarks.md): self time by function. */
import { connect } from '@nats-io/transport-node';
import { chromium } from '@playwright/test';
import { seedStatusUpdate } from '../src/lib/protocol/fixtures';
import { startSwitchboard } from '../tests/helpers/switchboard';

const N = 20_000;
const server = await startSwitchboard();
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-background-networking']
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
await context.addInitScript({ content: 'window.__name = (f) => f;' });
const page = await context.newPage();
const agent = await connect({ servers: server.nats });
try {
	await page.goto(`${server.app}/?server=${encodeURIComponent(server.ws)}&name=Profile`);
	await page.getByRole('button', { name: 'Join' }).click();
	await page.getByRole('status').first().getByText('connected').waitFor();
	await page.waitForTimeout(500);
	const cdp = await context.newCDPSession(page);
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
	await cdp.send('Profiler.start');
	const payload = new TextEncoder().encode(
		JSON.stringify(
			seedStatusUpdate({ content: { work_stream_id: '2.1', status: 'started', step: 'x'.repeat(48) } })
		)
	);
	for (let i = 0; i < N; i++) agent.publish('orchestrator.broadcast.status_update', payload);
	await agent.flush();
	await page.waitForFunction(
		(n) => Number(document.querySelector<HTMLElement>('[data-total]')?.dataset.total) >= n,
		N,
		{ polling: 50 }
	);
	const { profile } = await cdp.send('Profiler.stop');
	const self = new Map<string, number>();
	const dt = profile.timeDeltas ?? [];
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	(profile.samples ?? []).forEach((id, i) => {
		const node = byId.get(id)!;
		const f = node.callFrame;
		const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
		self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
	});
	const total = [...self.values()].reduce((a, b) => a + b, 0);
	console.log(`total sampled ${Math.round(total)} ms`);
	for (const [key, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25))
		console.log(`${ms.toFixed(0).padStart(6)} ms  ${key}`);
} finally {
	await agent.close();
	await browser.close();
	await server.stop();
}
