/** Routing a crew's questions, as plain data: who a question is for, snoozes, escalation times. */
import { describe, expect, it } from 'vitest';
import { decode, escalationEnvelope, escalationMessage, routingOf } from '../protocol';
import { jsonBytes, seedQuestion, seedReceiverAccepts, voltaQuery } from '../protocol/fixtures';
import {
	DEFAULT_ESCALATION_MINUTES,
	dueForEscalation,
	escalatesAt,
	isForMe,
	itemFromMessage,
	snoozeEnd,
	viewInbox,
	type CrewRouting,
	type InboxItem
} from './inbox';
import { checkMinutes, loadEscalationTimes } from './escalation-settings';

const ada = { id: 'ada', name: 'Ada' };
const grace = { id: 'grace', name: 'Grace' };
const me = { id: 'ada', team: 'platform', capabilities: ['Deploy', 'code review'] };
const at = '2026-11-22T10:00:00.000Z';

const question = (
	content: Record<string, unknown>,
	receivedAt = 0,
	subject = 'orchestrator.broadcast.question'
) =>
	itemFromMessage(
		decode(
			subject,
			jsonBytes(
				seedQuestion({ correlation_id: `c-${Math.random()}`, content: { question: 'Ship it?', ...content } })
			)
		),
		subject,
		null,
		receivedAt,
		me
	) as InboxItem;

const routing = (partial: Partial<CrewRouting> = {}): CrewRouting => ({
	handovers: new Map(),
	snoozes: new Map(),
	escalations: new Map(),
	...partial
});

describe('who a question is for', () => {
	it('reads capability, capabilities and team from a question, or a Volta query’s metadata', () => {
		expect(
			routingOf({ capability: ' deploy ', capabilities: ['db', 'deploy', 7], team: 'platform' })
		).toEqual({
			capabilities: ['deploy', 'db'],
			team: 'platform'
		});
		expect(routingOf({})).toEqual({ capabilities: [], team: null });
		const query = itemFromMessage(
			decode(
				'agent.broadcast',
				jsonBytes(voltaQuery({ to: 'all', metadata: { requestId: 'r1', capability: 'deploy' } }))
			),
			'agent.broadcast',
			null,
			0,
			me
		);
		expect(query?.capabilities).toEqual(['deploy']);
	});

	it('is for a person who handles what it names, whatever the case, or who is on its team; handed over, for that person only', () => {
		const deploy = question({ capability: 'deploy' });
		expect(isForMe(deploy, me, undefined)).toBe(true);
		expect(isForMe(question({ capabilities: ['databases'] }), me, undefined)).toBe(false);
		expect(isForMe(question({ team: 'Platform' }), me, undefined)).toBe(true);
		expect(isForMe(question({}), me, undefined)).toBe(false);
		const toGrace = { question_id: deploy.id, to: grace, by: ada, at, note: null };
		expect(isForMe(deploy, me, toGrace)).toBe(false);
		expect(isForMe(question({}), { id: 'grace' }, toGrace)).toBe(true);
	});

	it('counts what waits and what is for me apart, and leaves snoozed items out of both until they return', () => {
		const deploy = question({ capability: 'deploy' });
		const other = question({});
		const snoozed = question({ capability: 'deploy' });
		const items = new Map([deploy, other, snoozed].map((i) => [i.key, i]));
		const snooze = { question_id: snoozed.id, by: ada, at, until: new Date(60_000).toISOString() };
		const view = viewInbox(
			items,
			new Map(),
			new Map(),
			{},
			routing({ snoozes: new Map([[snoozed.key, snooze]]) }),
			me,
			1_000
		);
		expect([view.waiting, view.forMe, view.snoozed.length]).toEqual([2, 1, 1]);
		expect(viewInbox(items, new Map(), new Map(), { forMe: true }, routing(), me, 1_000).open).toHaveLength(
			2
		);
		// Once the time has come, it is back.
		const later = viewInbox(
			items,
			new Map(),
			new Map(),
			{},
			routing({ snoozes: new Map([[snoozed.key, snooze]]) }),
			me,
			61_000
		);
		expect([later.waiting, later.snoozed.length]).toEqual([3, 0]);
	});

	it('puts escalated items first', () => {
		const first = question({ urgency: 'high' });
		const escalated = question({ urgency: 'low' });
		const items = new Map([first, escalated].map((i) => [i.key, i]));
		const record = { question_id: escalated.id, by: ada, at, waited_seconds: 3600 };
		const view = viewInbox(
			items,
			new Map(),
			new Map(),
			{},
			routing({ escalations: new Map([[escalated.key, record]]) }),
			me,
			0
		);
		expect(view.open.map((i) => i.key)).toEqual([escalated.key, first.key]);
	});
});

describe('escalation', () => {
	it('comes after the minutes for the urgency, counted from arrival or from the end of a snooze', () => {
		const critical = question({ urgency: 'critical' }, 1_000);
		expect(escalatesAt(critical, undefined, DEFAULT_ESCALATION_MINUTES)).toBe(1_000 + 2 * 60_000);
		const plain = question({}, 0);
		expect(escalatesAt(plain, undefined, DEFAULT_ESCALATION_MINUTES)).toBe(15 * 60_000);
		const snooze = { question_id: plain.id, by: ada, at, until: new Date(100_000).toISOString() };
		expect(escalatesAt(plain, snooze, DEFAULT_ESCALATION_MINUTES)).toBe(100_000 + 15 * 60_000);
	});

	it('is due once: not when answered, escalated already, or snoozed', () => {
		const a = question({ urgency: 'critical' });
		const b = question({ urgency: 'critical' });
		const c = question({ urgency: 'critical' });
		const d = question({ urgency: 'critical' });
		const items = new Map([a, b, c, d].map((i) => [i.key, i]));
		const answers = new Map([[b.key, {} as never]]);
		const crew = routing({
			escalations: new Map([[c.key, { question_id: c.id, by: ada, at, waited_seconds: 1 }]]),
			snoozes: new Map([
				[d.key, { question_id: d.id, by: ada, at, until: new Date(10 * 60_000).toISOString() }]
			])
		});
		expect(
			dueForEscalation(items, answers, crew, DEFAULT_ESCALATION_MINUTES, 3 * 60_000).map((i) => i.key)
		).toEqual([a.key]);
		expect(dueForEscalation(items, answers, crew, DEFAULT_ESCALATION_MINUTES, 60_000)).toEqual([]);
	});

	it('tells the asker in its own format that it still waits, and the seed’s receiver accepts it', () => {
		const envelope = escalationEnvelope({ from: 'coder', id: 'q-7', correlationId: 'coder-1.5' }, ada, 930);
		expect(seedReceiverAccepts(jsonBytes(envelope))).toBe(true);
		expect(envelope).toMatchObject({
			message_type: 'status_update',
			to_agent: 'coder',
			correlation_id: 'coder-1.5',
			content: { status: 'waiting_for_human', question_id: 'q-7', escalated: true, waited_seconds: 930 }
		});
		expect(envelope.content.message).toBe(
			'Your question is still waiting for a person after 16 min: it was escalated to everyone online.'
		);
		expect(escalationMessage({ from: 'volta-1', id: 'r-1' }, ada, 60)).toMatchObject({
			to: 'volta-1',
			type: 'text',
			metadata: { question_id: 'r-1', requestId: 'r-1', escalated: true }
		});
	});

	it('takes the person’s times when they are sensible, the defaults otherwise', () => {
		const storage = { getItem: () => JSON.stringify({ critical: 0.5, high: 0, medium: 'x', low: 120 }) };
		expect(loadEscalationTimes(storage)).toEqual({ critical: 0.5, high: 5, medium: 15, low: 120 });
		expect(loadEscalationTimes({ getItem: () => '{' })).toEqual(DEFAULT_ESCALATION_MINUTES);
		expect(checkMinutes(0.1)).toMatch(/0\.25/u);
		expect(checkMinutes(0.25)).toBeNull();
	});
});

describe('snoozeEnd', () => {
	it('is minutes from now, or tomorrow at 9:00 local time', () => {
		const now = new Date(2026, 10, 22, 16, 30).getTime();
		expect(snoozeEnd('15', now).getTime()).toBe(now + 15 * 60_000);
		expect(snoozeEnd('tomorrow', now)).toEqual(new Date(2026, 10, 23, 9, 0));
	});
});

describe('the answered history', () => {
	it('is searched by the question, the agent, who answered, and the date', () => {
		const asked = question({}, 0);
		const record = {
			question_id: asked.id,
			by: { id: 'grace', name: 'Grace' },
			at: '2026-11-20T10:00:00.000Z',
			answer: { text: 'use redis' },
			question: { from: 'cacher', kind: 'question', text: 'Which database?', subject: asked.subject }
		};
		const answers = new Map([[asked.key, record]]);
		const items = new Map([[asked.key, asked]]);
		const found = (text: string) => viewInbox(items, new Map(), answers, { text }).answered.length;
		expect([
			found('grace redis'),
			found('cacher'),
			found('2026-11-20'),
			found('2026-11-21'),
			found('')
		]).toEqual([1, 1, 1, 0, 1]);
	});
});
