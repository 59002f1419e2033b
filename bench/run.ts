/**
 * `npm run bench`: the built app in real Chromium against a real server, measured against the raw
 * @nats-io/nats-core client in the same browser and the same run. Prints a table; `--out FILE`
 * writes the JSON the benchmarks issue specifies. See docs/benchmarks.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { connect } from '@nats-io/transport-node';
import { chromium, type Page } from '@playwright/test';
import { startSwitchboard } from '../tests/helpers/switchboard';
import { seedHeartbeat, seedQuestion, seedStatusUpdate } from '../src/lib/protocol/fixtures';

const INGEST_MESSAGES = 20_000;
const INGEST_ROUNDS = 3;
const QUESTIONS = 200;
const ANSWERS = 50;
const ROSTER_AGENTS = 1_000;

const percentile = (values: number[], p: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Records the longest gap between animation frames from now until `stop` is called in the page. */
async function watchFrames(page: Page) {
	await page.evaluate(() => {
		const state = { max: 0, last: performance.now(), on: true };
		(window as unknown as { __frames: typeof state }).__frames = state;
		const tick = (t: number) => {
			state.max = Math.max(state.max, t - state.last);
			state.last = t;
			if (state.on) requestAnimationFrame(tick);
		};
		requestAnimationFrame(tick);
	});
	return () =>
		page.evaluate(() => {
			const state = (window as unknown as { __frames: { max: number; on: boolean } }).__frames;
			state.on = false;
			return state.max;
		});
}

function bundleGzipBytes(): number {
	const html = fs.readFileSync('build/index.html', 'utf8');
	const seen = new Set<string>();
	let total = 0;
	const walk = (file: string) => {
		if (seen.has(file) || !fs.existsSync(file)) return;
		seen.add(file);
		const source = fs.readFileSync(file);
		total += zlib.gzipSync(source, { level: 9 }).length;
		for (const m of source.toString().matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+\.js)"/g))
			walk(path.join(path.dirname(file), m[1]));
	};
	for (const m of html.matchAll(/(?:import\(|href=)"([^"]+\.js)"/g))
		walk(path.join('build', m[1].replace(/^\.?\//, '')));
	return total;
}

async function main() {
	const outIndex = process.argv.indexOf('--out');
	const outFile = outIndex > 0 ? process.argv[outIndex + 1] : null;
	const server = await startSwitchboard();
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run']
	});
	// tsx (esbuild, keepNames) wraps named functions in __name(); the page needs it to run them.
	const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
	await context.addInitScript({ content: 'window.__name = (f) => f;' });
	const agent = await connect({ servers: server.nats, name: 'bench publisher' });
	try {
		const envelope = JSON.stringify(
			seedStatusUpdate({ content: { work_stream_id: '2.1', status: 'started', step: 'x'.repeat(48) } })
		);
		const payload = new TextEncoder().encode(envelope);

		const burst = async () => {
			const start = Date.now();
			for (let i = 0; i < INGEST_MESSAGES; i++)
				agent.publish('orchestrator.broadcast.status_update', payload);
			await agent.flush();
			return start;
		};

		// Raw client baseline, alone in its page.
		const rawBurst = async () => {
			const raw = await context.newPage();
			await raw.goto(`${server.app}/bench/raw?server=${encodeURIComponent(server.ws)}`);
			await raw.getByText('ready').waitFor();
			const start = await burst();
			const end = await raw.evaluate(
				(n) =>
					new Promise<number>((resolve) => {
						const counter = (window as unknown as { __raw: { counter: { count: number; at: number } } }).__raw
							.counter;
						const check = () => (counter.count >= n ? resolve(counter.at) : setTimeout(check, 5));
						check();
					}),
				INGEST_MESSAGES
			);
			return { page: raw, rate: INGEST_MESSAGES / ((end - start) / 1000) };
		};

		// The app: decode, validate, store, render; a fresh page each round, like the raw client's.
		const appBurst = async () => {
			const page = await context.newPage();
			await page.goto(`${server.app}/?server=${encodeURIComponent(server.ws)}&name=Bench`);
			await page.getByRole('button', { name: 'Join' }).click();
			await page.getByRole('status').first().getByText('connected').waitFor();
			await page.waitForTimeout(500);
			const stopFrames = await watchFrames(page);
			const start = await burst();
			const end = await page.evaluate(
				(n) =>
					new Promise<number>((resolve) => {
						const check = () => {
							const el = document.querySelector<HTMLElement>('[data-total]');
							if (el && Number(el.dataset.total) >= n) resolve(Date.now());
							else requestAnimationFrame(check);
						};
						check();
					}),
				INGEST_MESSAGES
			);
			return { page, rate: INGEST_MESSAGES / ((end - start) / 1000), gap: await stopFrames() };
		};

		// Alternating rounds, medians reported: one burst on this shared machine is too noisy to trust.
		const rawRates: number[] = [];
		const appRuns: Array<{ rate: number; gap: number }> = [];
		const rtts: number[] = [];
		const rawDelivery: number[] = [];
		for (let r = 0; r < INGEST_ROUNDS; r++) {
			const raw = await rawBurst();
			rawRates.push(raw.rate);
			if (r === 0) {
				for (let i = 0; i < 20; i++)
					rtts.push(
						await raw.page.evaluate(() =>
							(window as unknown as { __raw: { rtt(): Promise<number> } }).__raw.rtt()
						)
					);
				// The floor under question_to_screen: one message, publish → the raw client's callback.
				for (let i = 0; i < QUESTIONS; i++) {
					const arrived = raw.page.evaluate(
						() =>
							new Promise<number>((resolve) => {
								const counter = (window as unknown as { __raw: { counter: { count: number; at: number } } })
									.__raw.counter;
								const seen = counter.count;
								const check = () => (counter.count > seen ? resolve(counter.at) : setTimeout(check, 1));
								check();
							})
					);
					await new Promise((resolve) => setTimeout(resolve, 5));
					const sent = Date.now();
					agent.publish('orchestrator.broadcast.question', JSON.stringify(seedQuestion()));
					rawDelivery.push((await arrived) - sent);
				}
			}
			await raw.page.close();
			const app = await appBurst();
			appRuns.push({ rate: app.rate, gap: app.gap });
			await app.page.close();
		}
		const rawRate = percentile(rawRates, 50);
		const medianApp = [...appRuns].sort((a, b) => a.rate - b.rate)[Math.floor(appRuns.length / 2)];
		const appRate = medianApp.rate;
		const ingestGap = Math.max(...appRuns.map((run) => run.gap));

		// The rest runs in one app page.
		const page = await context.newPage();
		await page.goto(`${server.app}/?server=${encodeURIComponent(server.ws)}&name=Bench`);
		await page.getByRole('button', { name: 'Join' }).click();
		await page.getByRole('status').first().getByText('connected').waitFor();
		await page.waitForTimeout(500);

		// A question published by an agent → on screen.
		const toScreen: number[] = [];
		for (let i = 0; i < QUESTIONS; i++) {
			const marker = `bench-q-${i}-${Date.now()}`;
			const appeared = page.evaluate(
				(text) =>
					new Promise<number>((resolve) => {
						// Looks only at what changed: reading the whole page's text per mutation cost more
						// than what it measured once the inbox held a hundred cards.
						const observer = new MutationObserver((records) => {
							const at = Date.now();
							const shown = records.some((record) =>
								record.type === 'characterData'
									? record.target.textContent?.includes(text)
									: [...record.addedNodes].some((node) => node.textContent?.includes(text))
							);
							if (shown) {
								observer.disconnect();
								resolve(at);
							}
						});
						observer.observe(document.body, { childList: true, subtree: true, characterData: true });
					}),
				marker
			);
			await page.waitForTimeout(5);
			const sent = Date.now();
			agent.publish(
				'orchestrator.broadcast.question',
				JSON.stringify(
					seedQuestion({
						to_agent: null,
						content: { question: marker },
						correlation_id: marker,
						timestamp: new Date().toISOString().replace('Z', '')
					})
				)
			);
			toScreen.push((await appeared) - sent);
		}

		// A click on send → the asking agent has the answer.
		const roundtrips: number[] = [];
		for (let i = 0; i < ANSWERS; i++) {
			const marker = `bench-a-${i}-${Date.now()}`;
			const asker = `asker-${i}`;
			const got = new Promise<number>((resolve) => {
				const sub = agent.subscribe(`orchestrator.agent.${asker}.answer`, {
					max: 1,
					callback: () => {
						resolve(Date.now());
						sub.unsubscribe();
					}
				});
			});
			await agent.flush();
			agent.publish(
				'orchestrator.broadcast.question',
				JSON.stringify(
					seedQuestion({
						from_agent: asker,
						to_agent: null,
						content: { question: marker, options: ['yes'] },
						correlation_id: marker,
						timestamp: new Date().toISOString().replace('Z', '')
					})
				)
			);
			// Oldest first: after 200 questions this card is far down the list, where a person scrolls.
			const card = page.getByRole('article').filter({ hasText: marker });
			await card.scrollIntoViewIfNeeded();
			await card.getByRole('button', { name: 'yes' }).waitFor();
			const clicked = await card.getByRole('button', { name: 'yes' }).evaluate((button) => {
				const at = Date.now();
				(button as HTMLButtonElement).click();
				return at;
			});
			roundtrips.push((await got) - clicked);
		}

		// 1,000 agents heartbeating: time until the roster shows them all, and frame gaps meanwhile.
		const stopRosterFrames = await watchFrames(page);
		const rosterStart = Date.now();
		for (let i = 0; i < ROSTER_AGENTS; i++) {
			agent.publish(
				'orchestrator.broadcast.heartbeat',
				JSON.stringify(seedHeartbeat({ from_agent: `fleet-${i}` }))
			);
		}
		await agent.flush();
		const rosterEnd = await page.evaluate(
			(n) =>
				new Promise<number>((resolve) => {
					const check = () => {
						const counts = document.querySelector('#roster-heading')?.parentElement?.textContent ?? '';
						const online = Number(/(\d+) online/.exec(counts)?.[1] ?? 0);
						if (online >= n) resolve(Date.now());
						else requestAnimationFrame(check);
					};
					check();
				}),
			ROSTER_AGENTS
		);
		const rosterGap = await stopRosterFrames();

		const results = {
			ingest: {
				app_msgs_per_s: Math.round(appRate),
				raw_msgs_per_s: Math.round(rawRate),
				ratio: round(appRate / rawRate, 2),
				max_frame_gap_ms: round(ingestGap)
			},
			question_to_screen_ms: { p50: percentile(toScreen, 50), p99: percentile(toScreen, 99) },
			answer_roundtrip_ms: { p50: percentile(roundtrips, 50), p99: percentile(roundtrips, 99) },
			rtt_ms: { p50: percentile(rtts, 50) },
			roster_1000: { render_ms: rosterEnd - rosterStart, max_frame_gap_ms: round(rosterGap) },
			bundle_gz_bytes: bundleGzipBytes()
		};
		const rows: Array<[string, string, string]> = [
			['ingest app msgs/s', String(results.ingest.app_msgs_per_s), ''],
			['ingest raw msgs/s', String(results.ingest.raw_msgs_per_s), ''],
			['ingest ratio', String(results.ingest.ratio), '≥ 0.8'],
			[
				'ingest rounds app / raw msgs/s',
				`${appRuns.map((run) => Math.round(run.rate)).join(' ')} / ${rawRates.map(Math.round).join(' ')}`,
				'medians above'
			],
			['ingest max frame gap ms', String(results.ingest.max_frame_gap_ms), ''],
			[
				'question_to_screen p50 / p99 ms',
				`${results.question_to_screen_ms.p50} / ${results.question_to_screen_ms.p99}`,
				'p99 ≤ 50'
			],
			[
				'raw delivery p50 / p99 ms',
				`${percentile(rawDelivery, 50)} / ${percentile(rawDelivery, 99)}`,
				'floor: publish → raw callback'
			],
			[
				'answer_roundtrip p50 / p99 ms',
				`${results.answer_roundtrip_ms.p50} / ${results.answer_roundtrip_ms.p99}`,
				'p99 ≤ 100'
			],
			['rtt p50 ms (raw client)', String(results.rtt_ms.p50), 'floor'],
			['roster_1000 render ms', String(results.roster_1000.render_ms), '≤ 200'],
			['roster_1000 max frame gap ms', String(results.roster_1000.max_frame_gap_ms), ''],
			['bundle gzipped bytes', String(results.bundle_gz_bytes), '≤ 120,000']
		];
		console.log(
			`\nSwitchboard benchmark — ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}\n`
		);
		for (const [name, value, target] of rows)
			console.log(`${name.padEnd(34)} ${value.padStart(22)}   ${target}`);
		if (outFile) fs.writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
	} finally {
		await agent.close();
		await browser.close();
		await server.stop();
	}
}

main().catch((error: unknown) => {
	console.error(`The benchmark failed: ${error instanceof Error ? error.stack : String(error)}`);
	process.exitCode = 1;
});
