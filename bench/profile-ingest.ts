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
	ts: number;
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
/** The burst, sent as fast as the publisher can; resolves when the server has it all. */
async function burst() {
	for (let i = 0; i < MESSAGES; i++) agent.publish('orchestrator.broadcast.status_update', STATUS_UPDATE);
	await agent.flush();
}
const takenIn = `Number(document.querySelector('[data-total]')?.dataset.total) >= ${MESSAGES} && document.querySelector('[data-total]').dataset.decoding === '0'`;

interface LongFrame {
	at: number;
	duration: number;
	blocking: number;
	/** From the frame's start to its rendering, and to its style and layout. */
	render: number;
	layout: number;
	scripts: Array<{ ms: number; invoker: string; source: string }>;
}

try {
	// First, untraced, in a page of its own: the long animation frames of a burst (Chromium's
	// long-animation-frame entries, with the scripts that ran in each), what the bench's frame gap is.
	const untraced = await openJoinedApp(browser, server.app, server.ws, 'Frames');
	await untraced.evaluate(() => {
		const frames: LongFrame[] = [];
		(window as unknown as { __longFrames: LongFrame[] }).__longFrames = frames;
		const origin = performance.now();
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries() as unknown as Array<
				PerformanceEntry & {
					blockingDuration: number;
					renderStart: number;
					styleAndLayoutStart: number;
					scripts: Array<{
						duration: number;
						invoker: string;
						sourceFunctionName: string;
						sourceURL: string;
						sourceCharPosition: number;
					}>;
				}
			>)
				frames.push({
					at: Math.round(entry.startTime - origin),
					duration: Math.round(entry.duration),
					blocking: Math.round(entry.blockingDuration),
					render: Math.round((entry.renderStart || entry.startTime + entry.duration) - entry.startTime),
					layout: Math.round(
						entry.styleAndLayoutStart ? entry.startTime + entry.duration - entry.styleAndLayoutStart : 0
					),
					scripts: entry.scripts.map((script) => ({
						ms: Math.round(script.duration),
						invoker: script.invoker,
						source: `${script.sourceFunctionName || '(anonymous)'} ${script.sourceURL.split('/').pop()}:${script.sourceCharPosition}`
					}))
				});
		}).observe({ type: 'long-animation-frame', buffered: false });
	});
	await burst();
	await untraced.waitFor(takenIn, 'every message to be taken in', 60_000);
	const longFrames = await untraced.evaluate(
		() => (window as unknown as { __longFrames: LongFrame[] }).__longFrames
	);
	await untraced.close();
	console.log('long animation frames of an untraced burst (ms from the first):');
	for (const frame of longFrames.sort((a, b) => b.duration - a.duration).slice(0, 10)) {
		console.log(
			`${String(frame.duration).padStart(6)} ms at +${frame.at - longFrames[0].at} ms (blocking ${frame.blocking}, rendering from +${frame.render}, style and layout ${frame.layout})`
		);
		for (const script of frame.scripts.sort((a, b) => b.ms - a.ms).slice(0, 4))
			console.log(`           ${String(script.ms).padStart(4)} ms  ${script.invoker}  ${script.source}`);
	}

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
	// A mark in the trace: tasks before it (tracing starting up) are not the burst's.
	await page.evaluate(`console.timeStamp('burst')`);
	const start = Date.now();
	await burst();
	await page.waitFor(takenIn, 'every message to be taken in', 60_000);
	const elapsed = Date.now() - start;
	const { profile } = (await page.send('Profiler.stop')) as unknown as {
		profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number };
	};
	await browser.send('Tracing.end');
	await traced;
	stopCollecting();
	const trace = { traceEvents };
	// The page's main thread: of the renderers' main threads, the busiest (other pages' are idle or gone).
	const renderers = new Set(
		trace.traceEvents
			.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
			.map((e) => e.tid)
	);
	const eventsOf = new Map<number, number>();
	for (const e of trace.traceEvents)
		if (renderers.has(e.tid) && e.ph === 'X') eventsOf.set(e.tid, (eventsOf.get(e.tid) ?? 0) + 1);
	const main = [...eventsOf].sort((a, b) => b[1] - a[1])[0]?.[0];
	const spent = new Map<string, number>();
	for (const e of trace.traceEvents)
		if (e.tid === main && e.ph === 'X' && e.dur) spent.set(e.name, (spent.get(e.name) ?? 0) + e.dur / 1000);
	console.log('main thread, by trace event (inclusive, nested events overlap):');
	for (const [name, ms] of [...spent].sort((a, b) => b[1] - a[1]).slice(0, 15))
		console.log(`${ms.toFixed(1).padStart(8)} ms  ${name}`);
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const nameOf = (id: number) => {
		const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
		return `${functionName || '(anonymous)'} ${url.split('/').pop() ?? ''}:${lineNumber + 1}`;
	};
	// Each sample's time, on the trace's clock (both count microseconds from the same origin).
	const sampledAt: number[] = [];
	let clock = profile.startTime;
	for (const delta of profile.timeDeltas) sampledAt.push((clock += delta));
	// The frame gap: the longest tasks on the main thread, each with what ran inside it.
	const onMain = trace.traceEvents.filter((e) => e.tid === main && e.ph === 'X' && e.dur);
	const burstAt = trace.traceEvents.find((e) => e.name === 'TimeStamp' && e.tid === main)?.ts ?? 0;
	const longest = onMain
		.filter((e) => e.name === 'RunTask' && e.dur! > 30_000 && e.ts >= burstAt)
		.sort((a, b) => b.dur! - a.dur!)
		.slice(0, 8);
	console.log('longest main-thread tasks (what ran inside, inclusive):');
	for (const task of longest) {
		const inside = new Map<string, number>();
		for (const e of onMain)
			if (e !== task && e.name !== 'RunTask' && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur!)
				inside.set(e.name, (inside.get(e.name) ?? 0) + e.dur! / 1000);
		const top = [...inside].sort((a, b) => b[1] - a[1]).slice(0, 5);
		const functions = new Map<string, number>();
		profile.samples.forEach((id, i) => {
			if (sampledAt[i] >= task.ts && sampledAt[i] <= task.ts + task.dur!)
				functions.set(nameOf(id), (functions.get(nameOf(id)) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
		});
		const topFunctions = [...functions].sort((a, b) => b[1] - a[1]).slice(0, 6);
		console.log(
			`${(task.dur! / 1000).toFixed(1).padStart(8)} ms at +${((task.ts - burstAt) / 1000).toFixed(0)} ms  ${top.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')}`
		);
		console.log(
			`           self: ${topFunctions.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')}`
		);
	}
	const self = new Map<string, number>();
	let total = 0;
	profile.samples.forEach((id, i) => {
		const where = nameOf(id);
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
