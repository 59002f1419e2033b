/**
 * `npm run bench:variants`: where the app's ingest time goes, measured with the raw client itself.
 * The same burst as `npm run bench`'s ingest (20,000 status updates) into the raw client counting
 * only, parsing each payload as JSON, or running Switchboard's `decode` — in the page, and in a
 * dedicated Worker — plus the longest frame gap in the page meanwhile. Rounds alternate between the
 * variants; every round is printed. docs/benchmarks.md says what it showed and what was decided.
 * Pages are opened in the bare browser (bench/bare-browser.ts): under Playwright, every WebSocket
 * frame is copied to the runner, which was most of what the page did.
 */
import { connect } from '@nats-io/transport-node';
import { build } from 'vite';
import { seedStatusUpdate } from '../src/lib/protocol/fixtures';
import { startSwitchboard } from '../tests/helpers/switchboard';
import { launchBareChromium } from './bare-browser';
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
const browser = await launchBareChromium();
const agent = await connect({ servers: server.nats, name: 'bench publisher' });
const rates = new Map<string, number[]>();
const gaps = new Map<string, number[]>();
try {
	for (let round = 0; round < ROUNDS; round++)
		for (const variant of VARIANTS) {
			// The app's origin (which the server allows), without its Content-Security-Policy.
			const page = await browser.open(server.app, { bypassCSP: true });
			await page.evaluate(
				([variant, server, bundle]) => {
					Object.assign(window, { __variant: variant, __server: server, __bundle: bundle });
					const element = document.createElement('script');
					element.type = 'module';
					element.textContent = bundle;
					document.head.append(element);
				},
				[variant, server.ws, bundle]
			);
			await page.waitFor('window.__counter', `the ${variant} client to connect`);
			await new Promise((resolve) => setTimeout(resolve, 300));
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
			await page.close();
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
