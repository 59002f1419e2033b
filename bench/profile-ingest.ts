/**
 * Where the page's main thread spends an ingest burst: Chromium's CPU profile of the app taking in
 * 20,000 status updates: the main thread's trace events (script, frames, layout, paint, garbage
 * collection), then self time summed per function. `npm run bench:profile` builds without minifying, so
 * the names read, and builds again after. Tracing slows the page: its msgs/s is not the bench's.
 */
import { connect } from '@nats-io/transport-node';
import { startSwitchboard } from '../tests/helpers/switchboard';
import { seedStatusUpdate } from '../src/lib/protocol/fixtures';
import { launchBareChromium, openJoinedApp } from './bare-browser';

const MESSAGES = 20_000;
const STATUS_UPDATE = new TextEncoder().encode(
	JSON.stringify(
		seedStatusUpdate({ content: { work_stream_id: '2.1', status: 'started', step: 'x'.repeat(48) } })
	)
);

interface TraceEvent {
	name: string;
	ph: string;
	dur?: number;
	tid: number;
	args?: { name?: string };
}

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

const server = await startSwitchboard();
// The bare browser: Playwright's instrumentation would be most of what the profile shows.
const browser = await launchBareChromium();
const agent = await connect({ servers: server.nats, name: 'profile publisher' });
try {
	const page = await openJoinedApp(browser, server.app, server.ws, 'Profile');
	const traceEvents: TraceEvent[] = [];
	const stopCollecting = browser.on((method, params) => {
		if (method === 'Tracing.dataCollected') traceEvents.push(...(params.value as TraceEvent[]));
	});
	const traced = new Promise((resolve) =>
		browser.on((method) => method === 'Tracing.tracingComplete' && resolve(null))
	);
	await browser.send('Tracing.start', {
		traceConfig: {
			includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', '__metadata']
		},
		transferMode: 'ReportEvents'
	});
	await page.send('Profiler.enable');
	await page.send('Profiler.setSamplingInterval', { interval: 100 });
	await page.send('Profiler.start');
	const start = Date.now();
	for (let i = 0; i < MESSAGES; i++) agent.publish('orchestrator.broadcast.status_update', STATUS_UPDATE);
	await agent.flush();
	await page.waitFor(
		`Number(document.querySelector('[data-total]')?.dataset.total) >= ${MESSAGES} && document.querySelector('[data-total]').dataset.decoding === '0'`,
		'every message to be taken in',
		60_000
	);
	const elapsed = Date.now() - start;
	const { profile } = (await page.send('Profiler.stop')) as unknown as {
		profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
	};
	await browser.send('Tracing.end');
	await traced;
	stopCollecting();
	const trace = { traceEvents };
	const main = trace.traceEvents.find(
		(e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain'
	)?.tid;
	const spent = new Map<string, number>();
	for (const e of trace.traceEvents)
		if (e.tid === main && e.ph === 'X' && e.dur) spent.set(e.name, (spent.get(e.name) ?? 0) + e.dur / 1000);
	console.log('main thread, by trace event (inclusive, nested events overlap):');
	for (const [name, ms] of [...spent].sort((a, b) => b[1] - a[1]).slice(0, 15))
		console.log(`${ms.toFixed(1).padStart(8)} ms  ${name}`);
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const self = new Map<string, number>();
	let total = 0;
	profile.samples.forEach((id, i) => {
		const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
		const where = `${functionName || '(anonymous)'} ${url.split('/').pop() ?? ''}:${lineNumber + 1}`;
		const ms = (profile.timeDeltas[i] ?? 0) / 1000;
		self.set(where, (self.get(where) ?? 0) + ms);
		total += ms;
	});
	const idle = self.get('(idle) :0') ?? 0;
	console.log(`${MESSAGES} messages in ${elapsed} ms (${Math.round(MESSAGES / (elapsed / 1000))} msgs/s)`);
	console.log(
		`profiled ${total.toFixed(0)} ms, idle ${idle.toFixed(0)} ms; busy ${(total - idle).toFixed(0)} ms`
	);
	for (const [where, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40))
		console.log(
			`${ms.toFixed(1).padStart(8)} ms  ${((ms / (total - idle)) * 100).toFixed(1).padStart(5)} %  ${where}`
		);
} finally {
	await agent.close();
	await browser.close();
	await server.stop();
}
