/**
 * `npm run bench:variants`: where the app's ingest time goes, measured with the raw client itself.
 * The same burst as `npm run bench`'s ingest (20,000 status updates) into the raw client counting
 * only, parsing each payload as JSON, or running Switchboard's `decode` — in the page, and in a
 * dedicated Worker — plus the longest frame gap in the page meanwhile. Rounds alternate between the
 * variants; every round is printed. docs/benchmarks.md says what it showed and what was decided.
 */
import { connect } from '@nats-io/transport-node';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { seedStatusUpdate } from '../src/lib/protocol/fixtures';
import { startSwitchboard } from '../tests/helpers/switchboard';
import { watchFrames } from './frames';

const MESSAGES = 20_000;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const VARIANTS = ['page:count', 'page:parse', 'page:decode', 'worker:count', 'worker:decode'];

const output = await build({
	configFile: false,
	logLevel: 'silent',
	build: {
		write: false,
		lib: { entry: 'bench/ingest-variants.client.ts', formats: ['es'], fileName: 'client' }
	}
});
const bundle = ((Array.isArray(output) ? output : [output]) as Array<{ output: Array<{ code: string }> }>)[0]
	.output[0].code;
const payload = new TextEncoder().encode(
	JSON.stringify(
		seedStatusUpdate({ content: { work_stream_id: '2.1', status: 'started', step: 'x'.repeat(48) } })
	)
);

const server = await startSwitchboard();
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-background-networking']
});
const agent = await connect({ servers: server.nats, name: 'bench publisher' });
const rates = new Map<string, number[]>();
const gaps = new Map<string, number[]>();
try {
	for (let round = 0; round < ROUNDS; round++)
		for (const variant of VARIANTS) {
			// The app's origin (which the server allows), without its Content-Security-Policy.
			const context = await browser.newContext({ bypassCSP: true });
			await context.addInitScript({ content: 'window.__name = (f) => f;' });
			const page = await context.newPage();
			page.on('pageerror', (error) => console.error(`${variant}: ${error.message}`));
			await page.goto(server.app);
			await page.evaluate(
				([variant, server, bundle]) =>
					Object.assign(window, { __variant: variant, __server: server, __bundle: bundle }),
				[variant, server.ws, bundle]
			);
			await page.addScriptTag({ type: 'module', content: bundle });
			await page.waitForFunction(() => (window as { __counter?: unknown }).__counter);
			await page.waitForTimeout(300);
			const stopFrames = await watchFrames(page);
			const start = Date.now();
			for (let i = 0; i < MESSAGES; i++) agent.publish('orchestrator.broadcast.status_update', payload);
			await agent.flush();
			const end = await page.evaluate(
				(n) =>
					new Promise<number>((resolve) => {
						const counter = (window as unknown as { __counter: { count: number; at: number } }).__counter;
						const check = () => (counter.count >= n ? resolve(counter.at) : setTimeout(check, 1));
						check();
					}),
				MESSAGES
			);
			const gap = Math.round(await stopFrames());
			rates.set(variant, [...(rates.get(variant) ?? []), Math.round(MESSAGES / ((end - start) / 1000))]);
			gaps.set(variant, [...(gaps.get(variant) ?? []), gap]);
			await context.close();
		}
	const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	const base = median(rates.get('page:count')!);
	console.log(
		`${'variant'.padEnd(14)} ${'median msgs/s'.padStart(13)}  ratio  rounds msgs/s            frame gaps ms`
	);
	for (const variant of VARIANTS) {
		const r = rates.get(variant)!;
		console.log(
			`${variant.padEnd(14)} ${String(median(r)).padStart(13)}  ${(median(r) / base).toFixed(2).padStart(5)}  ${r.join(' ').padEnd(24)} ${gaps.get(variant)!.join(' ')}`
		);
	}
} finally {
	await agent.close();
	await browser.close();
	await server.stop();
}
