/**
 * A real orchestrator agent, in Python on the official nats-py client, speaking the seed's envelope
 * the way its NatsBus does (tests/agents/orchestrator_agent.py), against a real server and a person
 * at the browser's own console code: exactly one answer in every pattern the seed's calls allow,
 * answers it can match, and every question its receiver would accept shown.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { openHumanConsole, type HumanConsole } from './helpers/human';
import { pythonWithNats, startPythonAgent, type PythonAgent } from './helpers/python-agent';

const natsUrl = inject('natsUrl');
const wsUrl = inject('wsUrl');
const unique = () => Math.random().toString(36).slice(2, 8);

let ada: HumanConsole;
const agents: PythonAgent[] = [];
beforeAll(async () => {
	pythonWithNats();
	ada = await openHumanConsole(wsUrl, 'Ada');
}, 180_000);
afterAll(() => ada?.close());
afterEach(async () => {
	for (const agent of agents.splice(0)) await agent.stop();
});

async function agent(name = `coder-2.1-${unique()}`) {
	const started = await startPythonAgent(natsUrl, name);
	agents.push(started);
	return Object.assign(started, { id: name });
}

describe('an orchestrator agent in Python', () => {
	it('asks with request() while subscribed to its own messages: one answer, as the reply, that its handler never sees again', async () => {
		const coder = await agent();
		coder.do({ do: 'subscribe' });
		await coder.next('subscribed');
		const text = `Is the Task model ready? ${unique()}`;
		coder.do({ do: 'request', to: ada.identity.id, type: 'question', content: { question: text } });
		await ada.answer(text, { text: 'Yes, merged this morning' });

		const reply = await coder.next('reply');
		expect(reply.message).toMatchObject({
			message_type: 'answer',
			content: { answer: 'Yes, merged this morning', question: text }
		});
		expect(reply.message!.content.question_id).toBe(reply.message!.correlation_id);
		// Its handler gets a later message on its own subjects, and never the answer.
		coder.do({ do: 'send', to: coder.id, type: 'status_update', content: { status: 'in_progress' } });
		await until(() => coder.handled('status_update').length === 1);
		expect(coder.handled('answer')).toHaveLength(0);
	});

	it('asks fire-and-forget with an id of its own: the answer comes once to its handler, naming that id and the question', async () => {
		const coder = await agent();
		coder.do({ do: 'subscribe' });
		await coder.next('subscribed');
		const text = `Which database? ${unique()}`;
		const myId = `db-choice-${unique()}`;
		coder.do({
			do: 'send',
			to: ada.identity.id,
			type: 'question',
			content: { question: text, question_id: myId }
		});
		await ada.answer(text, { text: 'PostgreSQL' });

		const handled = await coder.next('handled');
		expect(handled.message).toMatchObject({
			message_type: 'answer',
			content: { answer: 'PostgreSQL', question_id: myId, question: text }
		});
		coder.do({ do: 'send', to: coder.id, type: 'status_update', content: { status: 'in_progress' } });
		await until(() => coder.handled('status_update').length === 1);
		expect(coder.handled('answer')).toHaveLength(1);
	});

	it('gave up waiting (the seed’s 5 s): the answer comes once, to its handler, not to the expired reply', async () => {
		const coder = await agent();
		coder.do({ do: 'subscribe' });
		await coder.next('subscribed');
		const text = `Roll back release 7? ${unique()}`;
		coder.do({
			do: 'request',
			to: ada.identity.id,
			type: 'question',
			content: { question: text, request_id: 'rb-7' }
		});
		const item = await ada.waitFor(text);
		expect(item.waitsUntil).toBe(item.receivedAt + 5_000);
		await coder.next('timeout', 1, 10_000);
		await ada.answer(text, { text: 'no' });

		const handled = await coder.next('handled');
		expect(handled.message).toMatchObject({
			message_type: 'answer',
			content: { answer: 'no', question_id: 'rb-7', request_id: 'rb-7', question: text }
		});
		expect(coder.events.filter((e) => e.event === 'reply')).toHaveLength(0);
	}, 30_000);

	it('is shown everything its receiver accepts: a critical question at the top, a blocker with no work stream', async () => {
		const coder = await agent();
		const critical = `Prod is down - roll back release 7? ${unique()}`;
		const blocker = `Waiting for API credentials ${unique()}`;
		coder.do({ do: 'broadcast', type: 'question', content: { question: critical, urgency: 'critical' } });
		coder.do({ do: 'broadcast', type: 'blocker', content: { blocker } });
		const question = await ada.waitFor(critical);
		const blocked = await ada.waitFor(blocker);
		expect(question).toMatchObject({ urgency: 'critical', unusual: expect.stringContaining('urgency') });
		expect(blocked).toMatchObject({ kind: 'blocker', unusual: expect.stringContaining('work_stream') });
		expect(ada.inbox.view.open[0].urgency).toBe('critical');
	});
});

async function until(check: () => boolean) {
	const { until: wait } = await import('./helpers/watching');
	await wait(check, 'the agent’s handler');
}
