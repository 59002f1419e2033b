/**
 * Trust and resilience, each against its own real nats-server (so floods and restarts touch no
 * other test): hostile input, a server restart, and a WebSocket that goes silent without a close.
 */
import net from 'node:net';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect, test, type Page } from '@playwright/test';
import { jsonBytes, seedHeartbeat, seedQuestion, voltaAnnounce } from '../../src/lib/protocol/fixtures';
import { startTestServer, type TestServer } from '../helpers/nats-server';
import { appUrl } from './env';

const unique = () => Math.random().toString(36).slice(2, 7);
const now = () => new Date().toISOString().replace('Z', '');

async function join(page: Page, wsUrl: string, name: string): Promise<string> {
	await page.goto(`${appUrl}/?server=${encodeURIComponent(wsUrl)}&name=${encodeURIComponent(name)}`);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('status').first()).toContainText('connected');
	// Subscribed, as the server confirms: from here on nothing sent to the page is missed.
	await expect(page.getByText('Watching live:')).toBeVisible();
	await expect(page.getByText('Loading questions asked while you were away…')).toHaveCount(0);
	return (await page.getByRole('banner').locator('.mono').first().textContent())!;
}

const openQuestions = (page: Page) => page.getByRole('list', { name: 'Open questions' });

function question(from: string, text: string, extra: Record<string, unknown> = {}) {
	return jsonBytes(
		seedQuestion({
			from_agent: from,
			to_agent: null,
			timestamp: now(),
			correlation_id: `${from}-${text}`,
			content: { question: text, options: ['yes', 'no'], ...extra }
		})
	);
}

/** Collects every ANSWER an agent receives on its durable subject. */
function answersTo(agent: NatsConnection, id: string): string[] {
	const answers: string[] = [];
	agent.subscribe(`orchestrator.agent.${id}.answer`, {
		callback: (_e, msg) => {
			answers.push(msg.json<{ content: { answer: string } }>().content.answer);
		}
	});
	return answers;
}

test.describe('against a server of its own', () => {
	let server: TestServer;
	let agent: NatsConnection;
	test.beforeEach(async () => {
		server = await startTestServer({ origins: [new URL(appUrl).origin] });
		agent = await connect({
			servers: server.natsUrl,
			name: 'agent (test)',
			maxReconnectAttempts: -1,
			reconnectTimeWait: 200
		});
	});
	test.afterEach(async () => {
		await agent.close().catch(() => undefined);
		await server.stop();
	});

	test('a hostile corpus on every subject it reads changes nothing: no markup, no errors, valid traffic still flows', async ({
		page
	}) => {
		test.setTimeout(90_000);
		const errors: Error[] = [];
		page.on('pageerror', (error) => errors.push(error));
		const me = await join(page, server.wsUrl, `Ada ${unique()}`);

		const html = `<img src=x onerror="window.__owned=1"><script>window.__owned=2</script><b class="injected">b</b>`;
		const bidi = 'admin\u202Egnp.exe\u202C';
		const deep = (n: number) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown;
		const subjects = [
			'orchestrator.broadcast.question',
			'orchestrator.broadcast.blocker',
			'orchestrator.broadcast.heartbeat',
			'orchestrator.broadcast.status_update',
			`orchestrator.agent.${me}.question`,
			`orchestrator.agent.${me}.answer`,
			'orchestrator.team.core.question',
			'orchestrator.queue.work',
			'agent.announce',
			'agent.hostile.heartbeat',
			'agent.hostile.status',
			`agent.${me}.message`,
			'agent.broadcast'
		];
		const encoder = new TextEncoder();
		const corpus: Array<[string, Uint8Array]> = [
			['empty', new Uint8Array(0)],
			['not JSON', encoder.encode(`{ not json ${html}`)],
			['invalid UTF-8', new Uint8Array([0xff, 0xfe, 0x7b, 0x22, 0xc3])],
			['wrong shape', encoder.encode(JSON.stringify([{ from_agent: 1 }, html]))],
			['a number', encoder.encode('42')],
			[
				'unknown type',
				jsonBytes(
					seedQuestion({
						message_type: 'gossip',
						from_agent: 'hostile',
						timestamp: now(),
						correlation_id: 'g'
					})
				)
			],
			['1 MB of text', new Uint8Array(1_000_000).fill(0x3c)],
			[
				'1 MB envelope',
				jsonBytes(
					seedQuestion({
						from_agent: 'hostile-big',
						correlation_id: 'hostile-big',
						timestamp: now(),
						content: { question: 'big?', context: 'x'.repeat(990_000) }
					})
				)
			],
			['nesting 3,000 deep', encoder.encode('['.repeat(3_000) + ']'.repeat(3_000))],
			[
				'a valid envelope nesting 3,000 deep',
				jsonBytes(
					seedQuestion({
						from_agent: 'hostile-deep',
						correlation_id: 'hostile-deep',
						timestamp: now(),
						content: { question: 'deep?', context: { deep: deep(3_000) } }
					})
				)
			],
			[
				'markup in every field',
				jsonBytes(
					seedQuestion({
						from_agent: `hostile-html`,
						to_agent: html,
						timestamp: now(),
						correlation_id: html,
						content: { question: `Q ${html}`, context: html, urgency: 'high', options: [html, bidi] }
					})
				)
			],
			[
				'markup in a Volta announce',
				jsonBytes(voltaAnnounce({ id: 'hostile-volta', name: html, capabilities: [html, bidi] }))
			],
			[
				'the same choice twice',
				jsonBytes(
					seedQuestion({
						from_agent: 'hostile-repeats',
						correlation_id: 'hostile-repeats',
						timestamp: now(),
						content: {
							question: 'Ship it?',
							options: ['ship', 'ship', 'wait'],
							fields: { region: { type: 'string', enum: ['eu', 'eu'] } }
						}
					})
				)
			],
			[
				'bidi controls',
				jsonBytes(
					seedQuestion({
						from_agent: 'hostile-bidi',
						correlation_id: 'hostile-bidi',
						timestamp: now(),
						content: { question: `Open ${bidi}?` }
					})
				)
			]
		];
		for (const subject of subjects) for (const [, payload] of corpus) agent.publish(subject, payload);
		// A flood of heartbeats from thousands of distinct ids.
		const flood = `flood-${unique()}`;
		for (let i = 0; i < 3_000; i++)
			agent.publish(
				'orchestrator.broadcast.heartbeat',
				jsonBytes(seedHeartbeat({ from_agent: `${flood}-${i}` }))
			);
		await agent.flush();

		// Shown as text, listed as invalid, never as markup. (About 26 MB arrive: on a loaded 2-core
		// machine the page may take a while to work through it; how fast is the benchmark's business.)
		await expect(page.getByText(/\d+ invalid/)).toBeVisible({ timeout: 30_000 });
		const markupCard = openQuestions(page).getByRole('article', { name: 'hostile-html asks' });
		await expect(markupCard).toContainText('<img src=x onerror=', { timeout: 30_000 });
		await expect(openQuestions(page).getByRole('article', { name: 'hostile-bidi asks' })).toBeVisible();
		// A choice listed twice is offered once.
		const repeats = openQuestions(page).getByRole('article', { name: 'hostile-repeats asks' }).first();
		await repeats.scrollIntoViewIfNeeded();
		await expect(repeats.getByRole('button', { name: 'ship', exact: true })).toHaveCount(1);
		await page.getByRole('searchbox', { name: 'Text' }).fill('hostile-bidi');
		await expect(page.getByRole('row').filter({ hasText: 'hostile-bidi' }).first()).toContainText(
			'\\u{202e}'
		);
		// Every kind of breakage is listed as invalid, with its reason (the list shows a screenful: filter).
		await page.getByRole('checkbox', { name: 'only invalid' }).check();
		for (const reason of [
			'empty payload',
			'payload is not JSON',
			'payload is not valid UTF-8 text',
			"message_type: 'gossip' is not a known value"
		]) {
			await page.getByRole('searchbox', { name: 'Text' }).fill(reason);
			await expect(page.getByRole('row').filter({ hasText: reason }).first()).toContainText('invalid');
		}
		await page.getByRole('searchbox', { name: 'Text' }).fill('');
		await page.getByRole('checkbox', { name: 'only invalid' }).uncheck();
		await page.getByRole('search', { name: 'Filter agents' }).getByRole('searchbox').fill(`${flood}-2999`);
		await expect(page.getByRole('list', { name: 'Agents on the bus' }).getByRole('listitem')).toHaveCount(1);

		const page$ = await page.evaluate(() => ({
			owned: (window as { __owned?: number }).__owned ?? null,
			injected: document.querySelectorAll('.injected, img[src="x"], main script, aside script').length
		}));
		expect(page$).toEqual({ owned: null, injected: 0 });

		// Still responsive: a real question is answered, and the agent gets exactly that answer.
		const asker = `after-${unique()}`;
		const answers = answersTo(agent, asker);
		await agent.flush();
		agent.publish('orchestrator.broadcast.question', question(asker, 'Still there?'));
		const card = openQuestions(page).getByRole('article', { name: `${asker} asks` });
		await card.scrollIntoViewIfNeeded();
		await card.getByRole('button', { name: 'yes' }).click();
		await expect.poll(() => answers).toEqual(['yes']);
		expect(errors).toEqual([]);
	});

	test('the server restarts: the page reconnects, presence comes back, questions from the outage are answered once', async ({
		page
	}) => {
		test.setTimeout(60_000);
		const me = await join(page, server.wsUrl, `Ada ${unique()}`);
		const announced: string[] = [];
		agent.subscribe('orchestrator.broadcast.status_update', {
			callback: (_e, msg) => {
				const envelope = msg.json<{ from_agent: string; content: { status?: string } }>();
				if (envelope.from_agent === me) announced.push(envelope.content.status ?? '');
			}
		});
		const [during, after] = [`outage-${unique()}`, `after-${unique()}`];
		const answers = { during: answersTo(agent, during), after: answersTo(agent, after) };
		await agent.flush();

		await server.kill();
		await expect(page.getByRole('status').first()).toContainText('reconnecting');
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		// Asked the moment the agent is back, while the page is still between its reconnect attempts
		// (its back-off has grown over two seconds down): only the server's inbox stream has it.
		const agentBack = (async () => {
			for await (const status of agent.status()) if (status.type === 'reconnect') return;
		})();
		await server.start();
		await agentBack;
		agent.publish('orchestrator.broadcast.question', question(during, 'Asked during the outage?'));
		await agent.flush();
		await expect(page.getByRole('status').first()).toContainText('reconnecting');
		await expect(page.getByRole('status').first()).toContainText('connected', { timeout: 20_000 });
		agent.publish('orchestrator.broadcast.question', question(after, 'Asked right after?'));

		// The page says it is here again, on its own.
		await expect.poll(() => announced, { timeout: 10_000 }).toContain('online');
		for (const [from, text] of [
			[during, 'Asked during the outage?'],
			[after, 'Asked right after?']
		]) {
			const card = openQuestions(page).getByRole('article', { name: `${from} asks` });
			await expect(card).toContainText(text);
			await card.getByRole('button', { name: 'yes' }).click();
		}
		await expect.poll(() => [answers.during, answers.after]).toEqual([['yes'], ['yes']]);

		// Restarted once more, the answered questions stay answered: nothing is asked or answered twice.
		await server.restart();
		await expect(page.getByRole('status').first()).toContainText('connected', { timeout: 20_000 });
		await expect(page.getByText('Nothing waiting for a human.')).toBeVisible();
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect([answers.during, answers.after]).toEqual([['yes'], ['yes']]);
	});

	/** A proxy that can swallow traffic without closing anything, like a dead NAT or a sleeping laptop. */
	async function silentProxy(wsPort: number) {
		const pairs: Array<[net.Socket, net.Socket]> = [];
		const sockets = new Set<net.Socket>();
		const proxy = net.createServer((client) => {
			const upstream = net.connect(wsPort, '127.0.0.1');
			client.pipe(upstream).pipe(client);
			client.on('error', () => upstream.destroy());
			upstream.on('error', () => client.destroy());
			pairs.push([client, upstream]);
			for (const socket of [client, upstream]) {
				sockets.add(socket);
				socket.on('close', () => sockets.delete(socket));
			}
		});
		await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		return {
			url: `ws://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
			/** Stops every open connection mid-stream: no FIN, no RST, nothing more either way. */
			silence() {
				for (const [client, upstream] of pairs.splice(0)) {
					client.unpipe(upstream);
					upstream.unpipe(client);
					client.pause();
					upstream.pause();
				}
			},
			async close() {
				for (const socket of sockets) socket.destroy();
				await new Promise((resolve) => proxy.close(resolve));
			}
		};
	}

	test('a WebSocket that goes silent without a close is noticed by pings within 15 s, shown, and recovered', async ({
		page
	}) => {
		test.setTimeout(60_000);
		const proxy = await silentProxy(server.settings.wsPort);
		try {
			await join(page, proxy.url, `Ada ${unique()}`);
			const silencedAt = Date.now();
			proxy.silence();
			// Pinged every 5 s, stale after 2 unanswered: the person is told within 15 s (+ slack).
			await expect(page.getByRole('status').first()).toContainText('The server stopped answering pings.', {
				timeout: 20_000
			});
			expect(Date.now() - silencedAt).toBeLessThan(20_000);
			// The silent socket is given up on at once, not after the browser's minute-long close
			// handshake (without abandonSilentSocket this took 60 s): a new connection is up within seconds.
			await expect(page.getByRole('status').first()).toContainText('connected to', { timeout: 5_000 });
			await new Promise((resolve) => setTimeout(resolve, 2_000));
			await expect(page.getByRole('status').first()).toContainText('connected to', { timeout: 1_000 });
			const asker = `back-${unique()}`;
			agent.publish('orchestrator.broadcast.question', question(asker, 'Back again?'));
			await expect(openQuestions(page).getByRole('article', { name: `${asker} asks` })).toBeVisible();
		} finally {
			await proxy.close();
		}
	});
});
