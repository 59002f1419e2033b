/**
 * Routing between people against a real server, with the page's own InboxState in two consoles: a
 * hand-over reaches the colleague (notified, for them), a snooze sets a question aside for everyone
 * and tells the agent nothing, and an escalation happens once, however many consoles race to it.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { record, until } from '../../../tests/helpers/watching';
import { openHumanConsole, type HumanConsole } from '../../../tests/helpers/human';
import { auditKept } from '../../../tests/helpers/audit';
import { seedQuestion, seedReceiverAccepts } from '$lib/protocol/fixtures';
import type { InboxItem } from './inbox';
import type { InboxState, Renotice } from './inbox.svelte';

const wsUrl = inject('wsUrl');
const natsUrl = inject('natsUrl');
let agent: NatsConnection;
const opened: HumanConsole[] = [];

beforeAll(async () => {
	agent = await connect({ servers: natsUrl });
});
afterAll(() => agent.close());
afterEach(async () => {
	for (const human of opened.splice(0)) await human.close();
});

const unique = () => Math.random().toString(36).slice(2, 8);

/** A person's console (the page's own classes), who can help with `capabilities`, and what it re-notified. */
async function openConsole(name: string, capabilities: string[] = []) {
	const human = await openHumanConsole(wsUrl, name, undefined, { capabilities });
	opened.push(human);
	const renotices: Array<[string, Renotice['kind']]> = [];
	human.inbox.onRenotice((item, why) => renotices.push([item.text, why.kind]));
	return { inbox: human.inbox, renotices, me: human.identity };
}

function ask(text: string, content: Record<string, unknown> = {}, from = 'coder-1') {
	agent.publish(
		'orchestrator.broadcast.question',
		JSON.stringify(
			seedQuestion({
				from_agent: from,
				to_agent: null,
				correlation_id: `${from}-${unique()}`,
				content: { question: text, ...content }
			})
		)
	);
}

const find = (inbox: InboxState, text: string): InboxItem | undefined =>
	[...inbox.items.values()].find((i) => i.text === text);

const audited = async (key: string) => (await auditKept(agent)).records.filter((r) => r.question === key);

describe('routing between people', () => {
	it('hands a question to a colleague: it is for them, they are notified, both see who handed it', async () => {
		const ada = await openConsole('Ada');
		const grace = await openConsole('Grace', ['deploy']);
		const text = `Deploy build 412? ${unique()}`;
		ask(text, { capability: 'Deploy' });
		await until(() => !!find(ada.inbox, text) && !!find(grace.inbox, text), 'both consoles to see it');
		// Named for what Grace handles: for her, not for Ada.
		expect(grace.inbox.isForMe(find(grace.inbox, text)!)).toBe(true);
		expect(ada.inbox.isForMe(find(ada.inbox, text)!)).toBe(false);

		const item = find(ada.inbox, text)!;
		expect(await ada.inbox.handOver(item, { id: ada.me.id, name: ada.me.name })).toBe(false);
		expect(
			await ada.inbox.handOver(item, { id: grace.me.id, name: grace.me.name }, 'you know the deploy')
		).toBe(true);
		await until(() => grace.inbox.handovers.get(item.key)?.by.name === 'Ada', 'Grace to see the hand-over');
		expect(grace.inbox.handovers.get(item.key)).toMatchObject({
			to: { name: 'Grace' },
			note: 'you know the deploy'
		});
		// Other tests' questions share this server, and what happens to them reaches these consoles
		// too: what this test asks is about its own question.
		const about = (renotices: Array<[string, Renotice['kind']]>) =>
			renotices.filter(([said]) => said === text);
		await until(() => about(grace.renotices).length === 1, 'Grace to be notified');
		expect(about(grace.renotices)).toEqual([[text, 'handed']]);
		expect(about(ada.renotices)).toEqual([]);
		expect(grace.inbox.view.forMe).toBeGreaterThanOrEqual(1);
		await until(async () => (await audited(item.key)).length === 1, 'the hand-over in the audit trail');
		expect((await audited(item.key))[0]).toMatchObject({
			action: 'handover',
			by: { name: 'Ada' },
			agent: 'coder-1',
			summary: `Ada handed coder-1’s question to Grace: you know the deploy`
		});
	});

	it('snoozes a question for everyone and tells the agent nothing; it comes back at its time, or when woken', async () => {
		const ada = await openConsole('Ada');
		const grace = await openConsole('Grace');
		const asker = `asker-${unique()}`;
		const heard = record(agent, `orchestrator.agent.${asker}.>`);
		const text = `Rotate the keys? ${unique()}`;
		ask(text, {}, asker);
		await until(() => !!find(ada.inbox, text) && !!find(grace.inbox, text), 'both consoles to see it');
		const item = find(ada.inbox, text)!;
		expect(await ada.inbox.snooze(item, new Date(Date.now() + 60 * 60_000))).toBe(true);
		await until(
			() => grace.inbox.view.snoozed.some((s) => s.item.key === item.key),
			'Grace to see it snoozed'
		);
		expect(grace.inbox.view.open.some((i) => i.key === item.key)).toBe(false);
		// An hour later (the console's clock moved on), it is back.
		grace.inbox.tick(Date.now() + 61 * 60_000);
		expect(grace.inbox.view.open.some((i) => i.key === item.key)).toBe(true);
		grace.inbox.tick(Date.now());
		await grace.inbox.wake(find(grace.inbox, text)!);
		await until(() => !ada.inbox.snoozes.has(item.key), 'Ada to see it back');
		await agent.flush();
		expect(heard.messages).toEqual([]);
		heard.stop();
		expect((await audited(item.key)).map((r) => r.action)).toEqual(['snooze', 'wake']);
	});

	it('escalates once however many consoles race: the asker hears it once, every console re-notifies', async () => {
		const asker = `waiting-${unique()}`;
		const notices = record(agent, `orchestrator.agent.${asker}.status_update`);
		const consoles = [await openConsole('Ada'), await openConsole('Grace'), await openConsole('Alan')];
		const text = `Approve the migration? ${unique()}`;
		ask(text, { urgency: 'critical' }, asker);
		await until(() => consoles.every((c) => !!find(c.inbox, text)), 'every console to see it');
		const key = find(consoles[0].inbox, text)!.key;
		// Not yet: critical waits 2 minutes.
		for (const c of consoles) c.inbox.tick(Date.now() + 60_000);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(notices.messages).toHaveLength(0);
		// All three at once, past the time.
		for (const c of consoles) c.inbox.tick(Date.now() + 3 * 60_000);
		await until(
			() => consoles.every((c) => c.inbox.escalations.has(key)),
			'every console to see it escalated'
		);
		// Other tests' questions share this server: a tick three minutes on escalates theirs too, and
		// every console rightly re-notifies those. What this test asks is about its own question.
		const mine = (c: (typeof consoles)[number]) => c.renotices.filter(([said]) => said === text);
		await until(() => consoles.every((c) => mine(c).length === 1), 'every console to re-notify');
		for (const c of consoles) c.inbox.tick(Date.now() + 10 * 60_000);
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(notices.messages).toHaveLength(1);
		expect(seedReceiverAccepts(notices.messages[0].data)).toBe(true);
		expect(notices.json()[0].body).toMatchObject({
			message_type: 'status_update',
			to_agent: asker,
			content: { status: 'waiting_for_human', escalated: true }
		});
		expect(consoles.map(mine)).toEqual(consoles.map(() => [[text, 'escalated']]));
		// Escalated first: only other escalated questions (other tests') may stand before it.
		const open = consoles[1].inbox.view.open;
		const at = open.findIndex((item) => item.key === key);
		expect(at).toBeGreaterThanOrEqual(0);
		expect(open.slice(0, at).filter((item) => !consoles[1].inbox.escalations.has(item.key))).toEqual([]);
		await until(async () => (await audited(key)).length === 1, 'one escalation in the audit trail');
		notices.stop();
	});

	it('does not escalate what is answered or what someone is on', async () => {
		const ada = await openConsole('Ada');
		const asker = `calm-${unique()}`;
		const notices = record(agent, `orchestrator.agent.${asker}.status_update`);
		const answered = `Answered in time ${unique()}`;
		const claimed = `Someone is on it ${unique()}`;
		ask(answered, { urgency: 'critical' }, asker);
		ask(claimed, { urgency: 'critical' }, asker);
		await until(() => !!find(ada.inbox, answered) && !!find(ada.inbox, claimed), 'both questions');
		expect(await ada.inbox.answer(find(ada.inbox, answered)!, { text: 'yes' })).toBe(true);
		await ada.inbox.claim(find(ada.inbox, claimed)!);
		ada.inbox.tick(Date.now() + 60 * 60_000);
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(notices.messages).toHaveLength(0);
		for (const text of [answered, claimed])
			expect(ada.inbox.escalations.has(find(ada.inbox, text)!.key)).toBe(false);
		notices.stop();
	});
});
