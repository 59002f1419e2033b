/**
 * The inbox against a real server: request/reply and durable answers, Volta queries, claims and the
 * first-answer-wins race between two consoles, and rebuilding after a reload.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { answersKeptFor } from './inbox-store';
import type { AgentIdentity } from '$lib/protocol';
import { seedReceiverAccepts, seedQuestion, voltaQuery } from '$lib/protocol/fixtures';
import type { InboxItem } from './inbox';
import { record, until } from '../../../tests/helpers/watching';
import { BusConnection } from '$lib/connection/ui';
import { InboxState } from './inbox.svelte';
import { TrafficFeed } from '$lib/traffic/ui';

const wsUrl = inject('wsUrl');
const natsUrl = inject('natsUrl');
let agent: NatsConnection;
const opened: Array<{ bus: BusConnection; feed: TrafficFeed; inbox: InboxState }> = [];

beforeAll(async () => {
	agent = await connect({ servers: natsUrl });
});
afterAll(() => agent.close());
afterEach(async () => {
	for (const c of opened.splice(0)) {
		c.inbox.stop();
		c.feed.stop();
		await c.bus.leave();
	}
});

const unique = () => Math.random().toString(36).slice(2, 8);
const person = (name: string, team?: string): AgentIdentity => ({
	id: `${name.toLowerCase()}-${unique()}`,
	name,
	kind: 'human',
	team,
	capabilities: []
});

async function openConsole(me: AgentIdentity) {
	const bus = new BusConnection();
	await bus.join({ servers: [wsUrl], name: me.name });
	const feed = new TrafficFeed(bus, { schedule: (flush) => setTimeout(flush, 0) });
	const inbox = new InboxState(bus, feed);
	feed.start();
	inbox.start(me);
	opened.push({ bus, feed, inbox });
	await until(() => inbox.status.state === 'ready', 'the inbox to open');
	await bus.flush();
	return inbox;
}

function findItem(inbox: InboxState, text: string): InboxItem | undefined {
	return [...inbox.items.values()].find((i) => i.text === text);
}

function question(text: string, overrides: Record<string, unknown> = {}) {
	return seedQuestion({
		content: { question: text, urgency: 'high' },
		timestamp: new Date().toISOString().replace('Z', ''),
		correlation_id: `parser-dev-001-${Date.now() / 1000}-${unique()}`,
		...overrides
	});
}

describe('InboxState', () => {
	it('hears questions and answers them on a connection of its own, which the traffic view does not use', async () => {
		const ada = person('Ada');
		const inbox = await openConsole(ada);
		// The traffic view's subscriptions gone: what reaches the inbox now came on its own connection.
		opened.at(-1)!.feed.stop();
		const asker = `coder-lane-${unique()}`;
		const text = `Ship it on the quiet lane? ${unique()}`;
		const answers = record(agent, `orchestrator.agent.${asker}.answer`);
		await agent.flush();
		agent.publish('orchestrator.broadcast.question', JSON.stringify(question(text, { from_agent: asker })));
		await until(() => findItem(inbox, text) !== undefined, 'the question, on the inbox’s own connection');
		expect(await inbox.answer(findItem(inbox, text)!, { text: 'yes' })).toBe(true);
		await until(() => answers.messages.length === 1, 'the answer at the agent');
		expect(answers.json()[0].body).toMatchObject({ message_type: 'answer', content: { answer: 'yes' } });
		answers.stop();
	});

	it('answers a seed agent’s request/reply question with an ANSWER envelope it accepts', async () => {
		const ada = person('Ada');
		const inbox = await openConsole(ada);
		const text = `Is the Task model ready? ${unique()}`;
		const asked = question(text, { to_agent: ada.id });
		const pending = agent.request(`orchestrator.agent.${ada.id}.question`, JSON.stringify(asked), {
			timeout: 10_000
		});

		await until(() => findItem(inbox, text) !== undefined, 'the question');
		const item = findItem(inbox, text)!;
		expect(item).toMatchObject({
			audience: 'you',
			kind: 'question',
			reply: expect.stringMatching(/^_INBOX\./)
		});
		expect(await inbox.answer(item, { text: 'Yes, merged this morning' })).toBe(true);

		const reply = await pending;
		expect(seedReceiverAccepts(reply.data)).toBe(true);
		expect(reply.json()).toMatchObject({
			from_agent: ada.id,
			to_agent: 'parser-dev-001',
			message_type: 'answer',
			content: {
				answer: 'Yes, merged this morning',
				question_id: asked.correlation_id,
				answered_by: { name: 'Ada' }
			},
			correlation_id: asked.correlation_id
		});
	});

	it('delivers once: the reply while the asker waits, nothing on its answer subject', async () => {
		const ada = person('Ada');
		const inbox = await openConsole(ada);
		const asker = `coder-2.1-${unique()}`;
		const text = `Which branch? ${unique()}`;
		const answers = record(agent, `orchestrator.agent.${asker}.answer`);
		await agent.flush();
		const pending = agent.request(
			`orchestrator.agent.${ada.id}.question`,
			JSON.stringify(question(text, { from_agent: asker, to_agent: ada.id })),
			{ timeout: 5_000 }
		);
		await until(() => findItem(inbox, text) !== undefined, 'the question');
		await inbox.answer(findItem(inbox, text)!, { text: 'main' });
		expect((await pending).json()).toMatchObject({ content: { answer: 'main', question: text } });
		// The console flushed after sending: anything on the answer subject reached the server first,
		// and the agent's flush round trip brings it in before it returns.
		await agent.flush();
		expect(answers.messages).toHaveLength(0);
		answers.stop();
	});

	it('delivers once, durably, to an asker that stopped waiting (its stated timeout has passed)', async () => {
		const ada = person('Ada');
		const inbox = await openConsole(ada);
		const asker = `coder-2.1-${unique()}`;
		const text = `Which branch? ${unique()}`;
		const asked = question(text, {
			from_agent: asker,
			to_agent: ada.id,
			content: { question: text, timeout_seconds: 0.3 }
		});
		await expect(
			agent.request(`orchestrator.agent.${ada.id}.question`, JSON.stringify(asked), { timeout: 300 })
		).rejects.toThrow();

		const answers = record(agent, `orchestrator.agent.${asker}.answer`);
		await agent.flush();
		await until(() => findItem(inbox, text) !== undefined, 'the question');
		await inbox.answer(findItem(inbox, text)!, { text: 'main' });
		await until(() => answers.messages.length === 1, 'the durable answer');
		expect(answers.json()[0].body).toMatchObject({
			content: { answer: 'main', question_id: asked.correlation_id, question: text }
		});
		answers.stop();

		// An asker that restarted reads it back from JetStream.
		const kept = await answersKeptFor(agent, `orchestrator.agent.${asker}.answer`);
		expect(kept).toHaveLength(1);
	});

	it('lets exactly one of two people answer, whoever races, and tells the other', async () => {
		const ada = await openConsole(person('Ada'));
		const grace = await openConsole(person('Grace'));
		const asker = `racer-${unique()}`;
		const text = `Ship it? ${unique()}`;
		const answers = record(agent, `orchestrator.agent.${asker}.answer`);
		await agent.flush();
		agent.publish(
			'orchestrator.broadcast.question',
			JSON.stringify(question(text, { from_agent: asker, to_agent: null }))
		);
		await until(() => !!findItem(ada, text) && !!findItem(grace, text), 'both consoles to see it');

		const results = await Promise.all([
			ada.answer(findItem(ada, text)!, { text: 'yes from Ada' }),
			grace.answer(findItem(grace, text)!, { text: 'yes from Grace' })
		]);
		expect(results.filter(Boolean)).toHaveLength(1);
		const loser = results[0] ? grace : ada;
		const winnerName = results[0] ? 'Ada' : 'Grace';
		expect(loser.feedback.get(findItem(loser, text)!.key)).toEqual({
			tone: 'error',
			text: expect.stringMatching(
				new RegExp(`^${winnerName} already answered this at .*Your answer was not sent\\.$`)
			)
		});

		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(answers.messages).toHaveLength(1);
		for (const inbox of [ada, grace]) {
			await until(
				() => inbox.view.answered.some((a) => a.record.question.text === text),
				'both to show it answered'
			);
			expect(inbox.view.open.some((i) => i.text === text)).toBe(false);
		}
		answers.stop();
	});

	it('shows a claim to every console at once, and refuses a second claimer', async () => {
		const ada = await openConsole(person('Ada'));
		const grace = await openConsole(person('Grace'));
		const text = `Who takes this? ${unique()}`;
		agent.publish('orchestrator.broadcast.question', JSON.stringify(question(text, { to_agent: null })));
		await until(() => !!findItem(ada, text) && !!findItem(grace, text), 'both consoles to see it');

		await ada.claim(findItem(ada, text)!);
		const key = findItem(ada, text)!.key;
		await until(() => grace.claims.get(key)?.by.name === 'Ada', 'Grace to see Ada’s claim');
		await grace.claim(findItem(grace, text)!);
		expect(grace.feedback.get(key)).toMatchObject({
			tone: 'error',
			text: expect.stringMatching(/^Ada is already on it/)
		});

		await ada.release(findItem(ada, text)!);
		await until(() => !grace.claims.has(key), 'Grace to see the release');
	});

	it('treats two tabs of the same person as one: own claim is fine, a second answer is refused', async () => {
		const ada = person('Ada');
		const tab1 = await openConsole(ada);
		const tab2 = await openConsole(ada);
		const text = `Two tabs? ${unique()}`;
		agent.publish('orchestrator.broadcast.question', JSON.stringify(question(text, { to_agent: null })));
		await until(() => !!findItem(tab1, text) && !!findItem(tab2, text), 'both tabs to see it');
		await tab1.claim(findItem(tab1, text)!);
		await tab2.claim(findItem(tab2, text)!);
		expect(tab2.feedback.get(findItem(tab2, text)!.key)?.tone).toBe('ok');
		expect(await tab1.answer(findItem(tab1, text)!, { text: 'first' })).toBe(true);
		expect(await tab2.answer(findItem(tab2, text)!, { text: 'second' })).toBe(false);
	});

	it('rebuilds open and answered after a reload, including questions asked while nobody was online', async () => {
		const ada = person('Ada', 'platform');
		const before = await openConsole(ada);
		const answeredText = `Answered before reload ${unique()}`;
		agent.publish(
			'orchestrator.broadcast.question',
			JSON.stringify(question(answeredText, { to_agent: null }))
		);
		await until(() => !!findItem(before, answeredText), 'the question');
		await before.answer(findItem(before, answeredText)!, { text: 'done' });
		const first = opened.pop()!;
		first.inbox.stop();
		first.feed.stop();
		await first.bus.leave();

		// Nobody is online now.
		const whileAway = `Asked while nobody was online ${unique()}`;
		agent.publish(
			'orchestrator.team.platform.blocker',
			JSON.stringify(
				seedQuestion({
					message_type: 'blocker',
					content: { blocker: whileAway, work_stream: '2.1', impact: 'high' },
					correlation_id: `b-${unique()}`
				})
			)
		);
		await agent.flush();

		const after = await openConsole(ada);
		await until(
			() => !!findItem(after, whileAway) && !!findItem(after, answeredText),
			'both from the stream'
		);
		await until(
			() => after.view.answered.some((a) => a.record.question.text === answeredText),
			'the answer from KV'
		);
		expect(after.view.open.map((i) => i.text)).toContain(whileAway);
		expect(after.view.open.map((i) => i.text)).not.toContain(answeredText);
		expect(findItem(after, whileAway)).toMatchObject({ kind: 'blocker', audience: 'team', urgency: 'high' });
	});

	it('answers a Volta query with a response on the asker’s message subject, metadata copied', async () => {
		const ada = person('Ada');
		const inbox = await openConsole(ada);
		const volta = `volta-${unique()}`;
		const responses = record(agent, `agent.${volta}.message`);
		await agent.flush();
		const text = `Which database? ${unique()}`;
		agent.publish(
			`agent.${ada.id}.message`,
			JSON.stringify(
				voltaQuery({
					from: volta,
					to: ada.id,
					message: text,
					metadata: { requestId: `req-${unique()}`, trace: 't1' }
				})
			)
		);
		await until(() => !!findItem(inbox, text), 'the query');
		const item = findItem(inbox, text)!;
		expect(item).toMatchObject({ kind: 'query', audience: 'you' });
		await inbox.answer(item, { text: 'PostgreSQL' });
		await until(() => responses.messages.length === 1, 'the response');
		expect(responses.json()[0].body).toMatchObject({
			from: ada.id,
			to: volta,
			type: 'response',
			message: 'PostgreSQL',
			metadata: { requestId: item.id, trace: 't1', responseFrom: ada.id, question_id: item.id }
		});
		responses.stop();
	});
});
