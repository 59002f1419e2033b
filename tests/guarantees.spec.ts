/**
 * What the server guarantees, shown against raw clients that misbehave (docs/security.md §
 * "Guaranteed by the server"): storage that exists before any console, one answer per question that
 * nobody can replace, delete or purge, storage nobody but the admin can change, and an inbox no
 * flood can erase. On a single server and on the three-node cluster, as `npm start` and
 * `npm run cluster` provision them.
 */
import { headers } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AlreadyAnsweredError, readAnswer, recordAnswer, replayInbox } from '../src/lib/inbox';
import type { InboxItem } from '../src/lib/inbox';
import { questionKey, type AnswerRecord } from '../src/lib/protocol';
import { QuestionTooLargeError, StorageError, connectAgent, type SwitchboardAgent } from '../src/sdk';
import {
	ANSWERS_STREAM,
	INBOX_STREAM,
	QUESTION_LIMIT,
	STORAGE,
	answerSubject,
	checkStorage,
	provisionStorage
} from '../src/lib/storage';
import { until } from './helpers/watching';
import { openHumanConsole, type HumanConsole } from './helpers/human';
import { startTestCluster } from './helpers/nats-cluster';
import { startTestServer } from './helpers/nats-server';

const unique = () => Math.random().toString(36).slice(2, 8);
const json = (value: unknown) => JSON.stringify(value);
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** Resolves with what the server said when it refused `act`, or fails the test if it did not. */
async function refusal(act: () => Promise<unknown>): Promise<string> {
	try {
		await act();
	} catch (error) {
		return error instanceof Error
			? `${error.message} ${String((error as { code?: number }).code ?? '')}`
			: String(error);
	}
	throw new Error('The server accepted it.');
}

interface Bus {
	natsUrls: string[];
	wsUrls: string[];
	adminPassword: string;
	stop(): Promise<void>;
}

const buses: Array<[string, () => Promise<Bus>]> = [
	[
		'a single server',
		async () => {
			const server = await startTestServer();
			return {
				natsUrls: [server.natsUrl],
				wsUrls: [server.wsUrl],
				adminPassword: server.adminPassword,
				stop: server.stop
			};
		}
	],
	[
		'the three-node cluster',
		async () => {
			const cluster = await startTestCluster();
			return { ...cluster, adminPassword: cluster.adminPassword };
		}
	]
];

describe.each(buses)('on %s', (_name, start) => {
	let bus: Bus;
	let rogue: NatsConnection;
	let admin: NatsConnection;
	beforeAll(async () => {
		bus = await start();
		// No credentials: any client the server lets in (nats/access.conf's "anyone").
		rogue = await connect({ servers: bus.natsUrls });
		admin = await connect({ servers: bus.natsUrls, user: 'admin', pass: bus.adminPassword });
	}, 60_000);
	afterAll(async () => {
		await rogue?.close();
		await admin?.close();
		await bus?.stop();
	});

	const human = async (name: string): Promise<HumanConsole> => {
		const console = await openHumanConsole(bus.wsUrls, name);
		cleanups.push(() => console.close());
		return console;
	};
	const agent = async (name: string): Promise<SwitchboardAgent> => {
		const a = await connectAgent({ servers: bus.natsUrls, name });
		cleanups.push(() => a.close());
		return a;
	};

	it('keeps a blocker raised before any console ever joined, and shows it to the first person', async () => {
		const text = `Waiting for API credentials ${unique()}`;
		rogue.publish(
			'orchestrator.broadcast.blocker',
			json({
				from_agent: `coder-${unique()}`,
				to_agent: null,
				message_type: 'blocker',
				content: { blocker: text, work_stream: '2.1' },
				timestamp: new Date().toISOString().replace('Z', ''),
				correlation_id: null
			})
		);
		await rogue.flush();
		const ada = await human('Ada');
		expect((await ada.waitFor(text)).kind).toBe('blocker');
	});

	it('two agents that choose the same question id ask two questions, each answered on its own', async () => {
		const ada = await human('Ada');
		const first = await agent('builder');
		const second = await agent('deployer');
		const id = `req-${unique()}`;
		const firstAsked = first.ask(`Which region for ${id}?`, { id });
		await ada.answer(`Which region for ${id}?`, { text: 'eu-west-1' });
		expect(await firstAsked).toMatchObject({ answer: 'eu-west-1', by: { name: 'Ada' } });

		// The same id from another agent is a new question, not the first one's answer.
		const secondAsked = second.ask(`Roll back ${id}?`, { id });
		const item = await ada.waitFor(`Roll back ${id}?`);
		expect(item.from).toBe(second.identity.id);
		await ada.answer(`Roll back ${id}?`, { text: 'no, fix forward' });
		expect(await secondAsked).toMatchObject({ answer: 'no, fix forward', by: { name: 'Ada' } });
	});

	it('keeps the first answer whatever a raw client or a second person does', async () => {
		const ada = await human('Ada');
		const grace = await human('Grace');
		const asker = await agent('deployer');
		const id = `deploy-${unique()}`;
		const asked = asker.ask(`Deploy build ${id}?`, { id, options: ['yes', 'no'] });
		await ada.answer(id, { text: 'yes', choice: 'yes' });
		const result = await asked;
		expect(result).toMatchObject({ answer: 'yes', by: { name: 'Ada' } });

		const key = questionKey(asker.identity.id, id);
		const js = jetstream(rogue);
		const jsm: JetStreamManager = await jetstreamManager(rogue);
		const forged: AnswerRecord = {
			...(await readAnswer(rogue, key))!,
			answer: { text: 'no' },
			by: { id: 'mallory', name: 'Mallory' }
		};
		const kvOperation = (operation: string, rollup = false) => {
			const h = headers();
			h.set('KV-Operation', operation);
			if (rollup) h.set('Nats-Rollup', 'sub');
			return h;
		};
		// A put over it, a KV-style delete marker, a roll-up purge: refused by the stream itself.
		expect(await refusal(() => js.publish(answerSubject(key), json(forged)))).toMatch(
			/maximum messages per subject/u
		);
		expect(await refusal(() => js.publish(answerSubject(key), '', { headers: kvOperation('DEL') }))).toMatch(
			/maximum messages per subject/u
		);
		expect(
			await refusal(() => js.publish(answerSubject(key), '', { headers: kvOperation('PURGE', true) }))
		).toMatch(/rollup not permitted/u);
		// Purging, deleting the message, re-configuring or deleting the stream, creating it again.
		const seq = (await jsm.streams.getMessage(ANSWERS_STREAM, { last_by_subj: answerSubject(key) }))!.seq;
		for (const act of [
			() => jsm.streams.purge(ANSWERS_STREAM),
			() => jsm.streams.deleteMessage(ANSWERS_STREAM, seq),
			async () =>
				jsm.streams.update(ANSWERS_STREAM, {
					...(await jsm.streams.info(ANSWERS_STREAM)).config,
					discard_new_per_subject: false
				}),
			() => jsm.streams.delete(ANSWERS_STREAM),
			() =>
				jsm.streams.add({ name: ANSWERS_STREAM, subjects: ['switchboard.answer.*'], max_age: 2_000_000_000 })
		])
			expect(await refusal(act)).toMatch(/Permissions Violation/u);
		// Not even the admin can purge it, delete from it, or switch the protection off.
		const adminJsm = await jetstreamManager(admin);
		expect(await refusal(() => adminJsm.streams.purge(ANSWERS_STREAM))).toMatch(/purge not permitted/u);
		expect(await refusal(() => adminJsm.streams.deleteMessage(ANSWERS_STREAM, seq))).toMatch(
			/delete not permitted/u
		);
		expect(
			await refusal(async () =>
				adminJsm.streams.update(ANSWERS_STREAM, {
					...(await adminJsm.streams.info(ANSWERS_STREAM)).config,
					deny_delete: false
				})
			)
		).toMatch(/can not cancel deny message deletes/u);

		// A second person answering through the app is told who was first.
		let card: InboxItem | undefined;
		await until(
			() => (card = [...grace.inbox.items.values()].find((i) => i.id === id)) !== undefined,
			'Grace’s card'
		);
		expect(await grace.inbox.answer(card!, { text: 'no' })).toBe(false);
		expect(grace.inbox.feedback.get(card!.key)?.text).toMatch(/^Ada already answered this/u);
		await expect(recordAnswer(rogue, key, forged)).rejects.toThrow(AlreadyAnsweredError);

		// Everyone still reads the first answer: the record, a console opened now, an asker resuming.
		expect(await readAnswer(rogue, key)).toMatchObject({ answer: { text: 'yes' }, by: { name: 'Ada' } });
		const late = await human('Linus');
		await until(
			() => late.inbox.answers.get(key)?.by.name === 'Ada',
			'the late console to show Ada’s answer'
		);
		// The same asker (its id), restarted, resumes its question and takes the recorded answer.
		const restarted = await connectAgent({ servers: bus.natsUrls, name: 'deployer', id: asker.identity.id });
		cleanups.push(() => restarted.close());
		expect((await restarted.ask(`Deploy build ${id}?`, { id })).answer).toBe('yes');
	});
});

describe('storage that is missing or planted', () => {
	it('is refused in words by consoles and agents, and set right by the admin’s setup', async () => {
		const server = await startTestServer({ provision: false });
		cleanups.push(() => server.stop());
		const rogue = await connect({ servers: server.natsUrl });
		const admin = await connect({ servers: server.natsUrl, user: 'admin', pass: server.adminPassword });
		cleanups.push(
			() => rogue.close(),
			() => admin.close()
		);

		// Nothing yet: every stream is reported missing, and an agent's ask says what to run.
		expect((await checkStorage(rogue)).map((r) => r.outcome)).toEqual(STORAGE.map(() => 'missing'));
		const asker = await connectAgent({ servers: server.natsUrl, name: 'early' });
		cleanups.push(() => asker.close());
		const refused = await asker.ask('Anyone?').catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(StorageError);
		expect((refused as Error).message).toMatch(
			/the stream SWITCHBOARD_INBOX .*missing.*npx switchboard setup/u
		);

		// Anyone may not plant Switchboard's streams first; an admin's mistake is caught by name.
		const rogueJsm = await jetstreamManager(rogue);
		expect(
			await refusal(() =>
				rogueJsm.streams.add({ name: INBOX_STREAM, subjects: ['orchestrator.broadcast.question'] })
			)
		).toMatch(/Permissions Violation/u);
		const adminJsm = await jetstreamManager(admin);
		await adminJsm.streams.add({
			name: INBOX_STREAM,
			subjects: ['orchestrator.broadcast.question', '_INBOX_ada.>'],
			max_age: 2_000_000_000,
			no_ack: true
		});
		// The page's own classes: the inbox says why it does not use the stream.
		const bus = await import('../src/lib/connection/connection.svelte');
		const { TrafficFeed } = await import('../src/lib/traffic/traffic.svelte');
		const { InboxState } = await import('../src/lib/inbox/inbox.svelte');
		const page = new bus.BusConnection();
		cleanups.push(() => page.leave());
		await page.join({ servers: [server.wsUrl], name: 'Ada' });
		const inbox = new InboxState(page, new TrafficFeed(page));
		inbox.start({ id: 'ada-1', name: 'Ada', kind: 'human', capabilities: [] });
		await until(() => inbox.status.state === 'unavailable', 'the inbox to refuse its storage');
		const reason = (inbox.status as { reason: string }).reason;
		expect(reason).toContain('max age is 2 s; Switchboard needs 30 days');
		expect(reason).toContain('_INBOX_ada.>');
		expect(reason).toContain('npx switchboard setup');
		inbox.stop();

		// The admin's setup corrects the planted stream and creates the rest; a second run changes nothing.
		const first = await provisionStorage(admin);
		expect(first.find((r) => r.spec.stream === INBOX_STREAM)).toMatchObject({ outcome: 'updated' });
		expect(first.filter((r) => r.outcome === 'created')).toHaveLength(STORAGE.length - 1);
		expect((await provisionStorage(admin)).map((r) => r.outcome)).toEqual(STORAGE.map(() => 'found'));
		const ready = await openHumanConsole(server.wsUrl, 'Ada');
		cleanups.push(() => ready.close());
	});

	it('never adopts an answers stream it did not make', async () => {
		const server = await startTestServer({ provision: false });
		cleanups.push(() => server.stop());
		const admin = await connect({ servers: server.natsUrl, user: 'admin', pass: server.adminPassword });
		cleanups.push(() => admin.close());
		await (
			await jetstreamManager(admin)
		).streams.add({ name: ANSWERS_STREAM, subjects: ['switchboard.answer.*'] });
		const reports = await provisionStorage(admin);
		const answers = reports.find((r) => r.spec.stream === ANSWERS_STREAM)!;
		expect(answers.outcome).toBe('differs');
		expect(answers.details.join(' ')).toMatch(/cannot be trusted.*nats stream rm SWITCHBOARD_ANSWERS/u);
	});
});

describe('a flood on the inbox subjects', () => {
	it('erases no question asked before it; one asked after it is shown; replay reads it in bounded batches', async () => {
		const server = await startTestServer();
		cleanups.push(() => server.stop());
		const agent = await connect({ servers: server.natsUrl });
		cleanups.push(() => agent.close());
		const ada = await openHumanConsole(server.wsUrl, 'Ada');
		cleanups.push(() => ada.close());
		const ask = (text: string) =>
			agent.publish(
				'orchestrator.broadcast.question',
				json({
					from_agent: 'worried-agent',
					to_agent: null,
					message_type: 'question',
					content: { question: text },
					timestamp: new Date().toISOString().replace('Z', ''),
					correlation_id: `worried-agent-${text}`
				})
			);
		const before = Array.from({ length: 5 }, (_, i) => `Before the flood ${i} ${unique()}`);
		for (const text of before) ask(text);
		await agent.flush();

		// 100 MiB of 1 MiB junk (over the inbox's message size: not kept) and 140 MiB of 60 KiB junk
		// (kept until the stream is full, then refused), paced as a fast publisher is by its socket.
		const big = new Uint8Array(1024 * 1024).fill(0x7a);
		const small = new Uint8Array(60 * 1024).fill(0x7a);
		let sent = 0;
		for (let i = 0; i < 100; i++) {
			agent.publish('orchestrator.broadcast.question', big);
			sent += big.length;
			if (i % 8 === 7) await agent.flush();
		}
		for (let i = 0; i < 140 * 17; i++) {
			agent.publish('orchestrator.broadcast.blocker', small);
			sent += small.length;
			if (i % 64 === 63) await agent.flush();
		}
		await agent.flush();
		expect(sent).toBeGreaterThan(200 * 1024 * 1024);

		const after = `After the flood ${unique()}`;
		ask(after);
		await agent.flush();
		await ada.waitFor(after, 20_000);
		expect(ada.bus.status.state).toBe('connected');

		// Every question asked before is still kept; the replay hands it over a bounded batch at a time.
		const kept: string[] = [];
		let largest = 0;
		await replayInbox(agent, (batch) => {
			largest = Math.max(largest, batch.length);
			for (const m of batch) if (m.data.length < 1024) kept.push(new TextDecoder().decode(m.data));
		});
		for (const text of before) expect(kept.some((k) => k.includes(text))).toBe(true);
		expect(largest).toBeLessThanOrEqual(512);
		const info = await (await jetstreamManager(agent)).streams.info(INBOX_STREAM);
		expect(info.state.bytes).toBeLessThanOrEqual(128 * 1024 * 1024);

		// A console opened after the flood shows them all, too.
		const grace = await openHumanConsole(server.wsUrl, 'Grace');
		cleanups.push(() => grace.close());
		for (const text of before) await grace.waitFor(text);
	}, 120_000);

	it('on a claims bucket a raw client filled, an ask fails in words instead of silently never asking', async () => {
		const server = await startTestServer();
		cleanups.push(() => server.stop());
		const rogue = await connect({ servers: server.natsUrl });
		cleanups.push(() => rogue.close());
		const js = jetstream(rogue);
		// Large junk until it no longer fits, then smaller and smaller, until nothing more fits at all.
		let kept = 0;
		for (const size of [4000, 400, 40, 1]) {
			const junk = new Uint8Array(size).fill(0x7a);
			for (let refused = false; !refused && kept < 20_000;) {
				refused = await js.publish(`$KV.switchboard_claims.junk-${kept}`, junk).then(
					() => false,
					() => true
				);
				if (!refused) kept++;
			}
		}
		expect(kept).toBeGreaterThan(1_000);
		const questions: string[] = [];
		rogue.subscribe('orchestrator.broadcast.question', {
			callback: (_e, m) => {
				questions.push(m.string());
			}
		});
		await rogue.flush();
		const asker = await connectAgent({ servers: server.natsUrl, name: 'blocked' });
		cleanups.push(() => asker.close());
		const error = await asker.ask('Anyone there?', { timeoutMs: 5_000 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(
			/would not keep the mark that this question was asked .*so it was not asked/u
		);
		await rogue.flush();
		expect(questions).toEqual([]);
	}, 60_000);

	it('refuses a question bigger than the inbox keeps, in words, and leaves nothing behind', async () => {
		const server = await startTestServer();
		cleanups.push(() => server.stop());
		const asker = await connectAgent({ servers: server.natsUrl, name: 'verbose' });
		cleanups.push(() => asker.close());
		const id = `long-${unique()}`;
		const error = await asker
			.ask('Is this log normal?', { id, context: 'x'.repeat(QUESTION_LIMIT), timeoutMs: 500 })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(QuestionTooLargeError);
		expect((error as Error).message).toMatch(/inbox keeps questions up to 64 KiB, so it was not asked/u);
		// Asked again, shorter, with the same id: it is asked (no marker was left), not resumed.
		const events: string[] = [];
		await asker
			.ask('Is this log normal?', {
				id,
				context: 'x'.repeat(100),
				timeoutMs: 300,
				onProgress: (e) => events.push(e.type)
			})
			.catch(() => undefined);
		expect(events).toContain('asked');
	});
});
