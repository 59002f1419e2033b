/** The SDK against a real server, with a person answering from the browser's own console code. */
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedReceiverAccepts } from '../lib/protocol/fixtures';
import { record, until } from '../../tests/helpers/watching';
import { openHumanConsole, type HumanConsole } from '../../tests/helpers/human';
import { startTestServer, type TestServer } from '../../tests/helpers/nats-server';
import {
	AnswerRejectedError,
	AskTimeoutError,
	ConnectError,
	NoHumanOnlineError,
	connectAgent,
	type AskProgress,
	type SwitchboardAgent
} from '.';

const natsUrl = inject('natsUrl');
const wsUrl = inject('wsUrl');
const unique = () => Math.random().toString(36).slice(2, 8);
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function agentOn(servers: string, name = 'builder'): Promise<SwitchboardAgent> {
	const agent = await connectAgent({ servers, name });
	cleanups.push(() => agent.close());
	return agent;
}

describe('ask', () => {
	let human: HumanConsole;
	beforeAll(async () => {
		human = await openHumanConsole(wsUrl, 'Ada');
	});
	afterAll(() => human.close());

	it('resolves with the human’s answer, reporting who is online and who is on it', async () => {
		const agent = await agentOn(natsUrl);
		const events: AskProgress[] = [];
		const question = `Deploy build ${unique()}?`;
		const asking = agent.ask(question, {
			options: ['yes', 'no'],
			urgency: 'high',
			onProgress: (e) => events.push(e)
		});

		const item = await human.waitFor(question);
		expect(item).toMatchObject({ from: agent.identity.id, options: ['yes', 'no'], urgency: 'high' });
		await human.inbox.claim(item);
		await until(() => events.some((e) => e.type === 'claimed'), 'the claim to reach the asker');
		await human.inbox.answer(item, { text: 'yes', choice: 'yes' });

		const result = await asking;
		expect(result).toMatchObject({ answer: 'yes', choice: 'yes', by: { name: 'Ada' }, questionId: item.id });
		expect(result.envelope).toMatchObject({
			message_type: 'answer',
			to_agent: agent.identity.id,
			correlation_id: item.id
		});
		expect(events[0]).toEqual({
			type: 'humans',
			online: expect.arrayContaining([{ id: human.identity.id, name: 'Ada' }])
		});
		expect(events).toContainEqual({
			type: 'asked',
			questionId: item.id,
			subject: 'orchestrator.broadcast.question'
		});
		expect(events).toContainEqual({ type: 'claimed', by: { id: human.identity.id, name: 'Ada' } });
	});

	it('asks one person directly, and returns a form’s typed values', async () => {
		const agent = await agentOn(natsUrl);
		const question = `Rollout ${unique()}`;
		const asking = agent.ask(question, {
			to: human.identity.id,
			fields: { replicas: { type: 'integer', required: true }, canary: { type: 'boolean' } }
		});
		const item = await human.waitFor(question);
		expect(item.audience).toBe('you');
		await human.inbox.answer(item, {
			text: 'replicas=3, canary=true',
			fields: { replicas: 3, canary: true }
		});
		expect(await asking).toMatchObject({ fields: { replicas: 3, canary: true } });
	});

	it('throws AnswerRejectedError when the human declines', async () => {
		const agent = await agentOn(natsUrl);
		const question = `Drop the table ${unique()}?`;
		const outcome = agent.ask(question).then(
			() => null,
			(error: unknown) => error
		);
		await human.answer(question, { text: 'Declined: not without a backup', decision: 'reject' });
		const error = await outcome;
		expect(error).toBeInstanceOf(AnswerRejectedError);
		expect((error as Error).message).toBe('Ada declined: Declined: not without a backup');
	});

	it('names the capability it needs, and hears when nobody answered in time and it was escalated', async () => {
		const agent = await agentOn(natsUrl);
		const events: AskProgress[] = [];
		const question = `Roll back the deploy? ${unique()}`;
		const asking = agent.ask(question, {
			capability: 'deploy',
			urgency: 'high',
			onProgress: (e) => events.push(e)
		});
		const item = await human.waitFor(question);
		expect(item.capabilities).toEqual(['deploy']);
		// The console's clock, moved past high urgency's 5 minutes: it escalates.
		human.inbox.tick(Date.now() + 6 * 60_000);
		await until(() => events.some((e) => e.type === 'escalated'), 'the asker to hear of the escalation');
		human.inbox.tick(Date.now());
		await human.inbox.answer(item, { text: 'yes' });
		expect((await asking).answer).toBe('yes');
	});

	it('throws AskTimeoutError in time and leaves the question in the inbox', async () => {
		const agent = await agentOn(natsUrl);
		const question = `Nobody will answer this ${unique()}`;
		const started = Date.now();
		await expect(agent.ask(question, { timeoutMs: 800 })).rejects.toThrow(AskTimeoutError);
		expect(Date.now() - started).toBeLessThan(5_000);
		await human.waitFor(question);
	});

	it('leaves no status listener behind after each ask', async () => {
		const agent = await agentOn(natsUrl);
		// nats-core's own list of status listeners: the one place such a leak shows.
		const listeners = () =>
			(agent.nc as unknown as { protocol: { listeners: unknown[] } }).protocol.listeners.length;
		const before = listeners();
		for (let i = 0; i < 3; i++)
			await agent.ask(`Leak check ${unique()}`, { timeoutMs: 200 }).catch(() => undefined);
		await until(() => listeners() === before, 'the status listeners to be released');
	});

	it('picks up after a restart: asking again with the same id does not ask twice, and gets the answer', async () => {
		const id = `release-${unique()}`;
		const question = `Release notes OK? ${id}`;
		const questions = record(await connect({ servers: natsUrl }), 'orchestrator.broadcast.question');
		const first = await connectAgent({ servers: natsUrl, name: 'releaser', id: 'releaser-1' });
		const abandoned = first.ask(question, { id }).catch((error: unknown) => error);
		await human.waitFor(question);
		await first.close(); // the asker goes away while waiting
		await abandoned;
		await human.answer(question, { text: 'ship it' });

		// The same agent (its id) restarted: its question, not a new one.
		const second = await connectAgent({ servers: natsUrl, name: 'releaser', id: 'releaser-1' });
		cleanups.push(() => second.close());
		const result = await second.ask(question, { id });
		expect(result).toMatchObject({ answer: 'ship it', questionId: id });
		// The answer envelope kept on releaser-1's answer subject, as the person's console sent it.
		expect(result.envelope).toMatchObject({
			to_agent: 'releaser-1',
			content: { question_id: id, answer: 'ship it' }
		});
		expect(questions.json().filter((m) => m.body.correlation_id === id)).toHaveLength(1);
		questions.stop();
	});

	it('is never ended by a malformed or forged answer: it reports them and takes the recorded one', async () => {
		const agent = await agentOn(natsUrl);
		const id = `forged-${unique()}`;
		const ignored: string[] = [];
		const outcome = agent.ask(`Which region? ${id}`, {
			id,
			onProgress: (event) => {
				if (event.type === 'ignored') ignored.push(event.reason);
			}
		});
		await human.waitFor(id);
		const rogue = await connect({ servers: natsUrl });
		const envelope = (content: Record<string, unknown>) =>
			JSON.stringify({
				from_agent: 'rogue',
				to_agent: agent.identity.id,
				message_type: 'answer',
				content,
				timestamp: '2025-12-07T23:11:11',
				correlation_id: id
			});
		const subject = `orchestrator.agent.${agent.identity.id}.answer`;
		// Malformed (no answer text), then well formed but recorded nowhere: a forgery.
		rogue.publish(subject, envelope({ question_id: id }));
		rogue.publish(subject, envelope({ question_id: id, answer: 'us-east-1 (forged)' }));
		await rogue.flush();
		await rogue.close();
		await until(() => ignored.length === 2, 'both to be reported as ignored');
		expect(ignored[0]).toMatch(/malformed/u);
		expect(ignored[1]).toMatch(/not the recorded answer/u);

		await human.answer(id, { text: 'eu-west-1' });
		const result = await outcome;
		expect(result.answer).toBe('eu-west-1');
		expect(result.envelope?.content).toMatchObject({ answer: 'eu-west-1', question_id: id });
	});
});

describe('ask on a bus of its own', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer();
	});
	afterAll(() => server.stop());

	it('says when no human is online, and does not ask', async () => {
		const agent = await agentOn(server.natsUrl);
		await expect(agent.ask('Anyone?', { requireHuman: true })).rejects.toThrow(NoHumanOnlineError);
	});

	it('survives the server restarting while it waits', async () => {
		const agent = await agentOn(server.natsUrl);
		// The console on TCP too: see openHumanConsole on mixing transports in one process.
		const human = await openHumanConsole(server.natsUrl, 'Grace', (options) => connect(options));
		cleanups.push(() => human.close());

		const question = `Still there? ${unique()}`;
		const asking = agent.ask(question);
		await human.waitFor(question);
		await server.restart();
		await until(() => human.bus.status.state === 'connected', 'the console to reconnect', 20_000);
		await human.answer(question, { text: 'yes, after the restart' });
		expect(await asking).toMatchObject({ answer: 'yes, after the restart', by: { name: 'Grace' } });
	});
});

describe('messaging like the seed', () => {
	it('broadcasts, sends and requests with envelopes the seed accepts', async () => {
		const a = await agentOn(natsUrl, 'alpha');
		const b = await agentOn(natsUrl, 'beta');
		const seen = record(b.nc, 'orchestrator.broadcast.status_update');
		const direct: string[] = [];
		cleanups.push(async () => b.onMessage((m) => direct.push(m.message_type))());
		const stop = b.onMessage((m) => direct.push(m.message_type));
		b.nc.subscribe(`orchestrator.agent.${b.identity.id}.resource_request`, {
			callback: (_e, msg) =>
				void msg.respond(
					JSON.stringify({
						from_agent: b.identity.id,
						to_agent: a.identity.id,
						message_type: 'resource_response',
						content: { granted: true },
						timestamp: '2025-12-07T23:11:11',
						correlation_id: null
					})
				)
		});
		await b.nc.flush();

		a.broadcast('status_update', { status: 'in_progress', work_stream_id: '1.2' });
		a.send(b.identity.id, 'coordination_request', { topic: 'schema' });
		const reply = await a.request(b.identity.id, 'resource_request', { resource: 'task_model' });
		expect(reply).toMatchObject({ message_type: 'resource_response', content: { granted: true } });
		await until(
			() => seen.messages.some((m) => m.json<{ from_agent: string }>().from_agent === a.identity.id),
			'the broadcast'
		);
		expect(
			seedReceiverAccepts(
				seen.messages.find((m) => m.json<{ from_agent: string }>().from_agent === a.identity.id)!.data
			)
		).toBe(true);
		await until(() => direct.includes('coordination_request'), 'the direct message');
		stop();
		seen.stop();
	});

	it('shares a work queue between workers in the seed’s queue group', async () => {
		const boss = await agentOn(natsUrl, 'boss');
		const queue = `tests_${unique()}`;
		const got: string[][] = [[], []];
		for (const [i, name] of ['w1', 'w2'].entries()) {
			const worker = await agentOn(natsUrl, name);
			worker.work(queue, (m) => void got[i].push(String(m.content.n)));
			await worker.nc.flush();
		}
		for (let n = 0; n < 20; n++) boss.enqueue(queue, 'task_assignment', { n });
		await until(() => got[0].length + got[1].length === 20, 'all 20 tasks');
		expect(new Set([...got[0], ...got[1]]).size).toBe(20);
	});

	it('says plainly when the server cannot be reached', async () => {
		await expect(connectAgent({ servers: 'nats://127.0.0.1:1', name: 'x' })).rejects.toThrow(ConnectError);
		await expect(connectAgent({ servers: 'nats://127.0.0.1:1', name: 'x' })).rejects.toThrow(
			/Could not reach a NATS server at nats:\/\/127\.0\.0\.1:1/
		);
	});
});
