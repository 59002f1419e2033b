import { describe, expect, it } from 'vitest';
import { decode } from '../protocol';
import { jsonBytes, seedBlocker, seedQuestion, seedStatusUpdate, voltaQuery } from '../protocol/fixtures';
import {
	addItems,
	answerDelivery,
	compareItems,
	contextLines,
	countdownText,
	itemFromMessage,
	viewInbox,
	type InboxItem
} from './inbox';

const me = { id: 'ada-k3x9', team: 'platform' };
const item = (subject: string, payload: unknown, reply: string | null = null, at = 1000) =>
	itemFromMessage(decode(subject, jsonBytes(payload)), subject, reply, at, me);

describe('itemFromMessage: what reaches the inbox', () => {
	it('takes questions and blockers sent to me, to everyone, and to my team', () => {
		expect(
			item('orchestrator.agent.ada-k3x9.question', seedQuestion({ to_agent: 'ada-k3x9' }))
		).toMatchObject({
			kind: 'question',
			audience: 'you',
			from: 'parser-dev-001',
			text: 'Is Task model ready?',
			urgency: 'high',
			id: 'parser-dev-001-1733409000.123456'
		});
		expect(item('orchestrator.broadcast.blocker', seedBlocker())).toMatchObject({
			kind: 'blocker',
			audience: 'everyone',
			urgency: 'critical',
			workStream: '1.1'
		});
		expect(item('orchestrator.team.platform.question', seedQuestion())).toMatchObject({ audience: 'team' });
	});

	it('leaves out what is not for me', () => {
		expect(item('orchestrator.team.backend.question', seedQuestion())).toBeNull();
		expect(item('orchestrator.agent.architect.question', seedQuestion())).toBeNull();
		expect(item('orchestrator.broadcast.status_update', seedStatusUpdate())).toBeNull();
		expect(item('orchestrator.broadcast.question', seedQuestion({ from_agent: 'ada-k3x9' }))).toBeNull();
		expect(
			item('orchestrator.broadcast.question', seedQuestion({ content: { urgency: 'high' } }))
		).toBeNull();
	});

	it('takes Volta queries to me or to all, not other Volta messages', () => {
		expect(item('agent.ada-k3x9.message', voltaQuery())).toMatchObject({
			kind: 'query',
			audience: 'you',
			id: 'req-42'
		});
		expect(item('agent.broadcast', voltaQuery({ to: 'all' }))).toMatchObject({ audience: 'everyone' });
		expect(item('agent.ada-k3x9.message', voltaQuery({ type: 'text' }))).toBeNull();
		expect(item('agent.someone.message', voltaQuery())).toBeNull();
	});

	it('shows what the seed’s receiver accepts, off its documented shape, with a note of what is unusual', () => {
		const critical = item(
			'orchestrator.broadcast.question',
			seedQuestion({ content: { question: 'Prod is down - roll back release 7?', urgency: 'critical' } })
		);
		expect(critical).toMatchObject({
			kind: 'question',
			urgency: 'critical',
			text: 'Prod is down - roll back release 7?'
		});
		expect(critical!.unusual).toMatch(/urgency/u);
		const blocker = item(
			'orchestrator.broadcast.blocker',
			seedBlocker({ content: { blocker: 'Waiting for API credentials' } })
		);
		expect(blocker).toMatchObject({ kind: 'blocker', text: 'Waiting for API credentials', workStream: null });
		expect(blocker!.unusual).toMatch(/work_stream/u);
		// An urgency nobody documents ranks at the top, not the bottom.
		const p0 = item(
			'orchestrator.broadcast.question',
			seedQuestion({ content: { question: 'Now?', urgency: 'P0' } })
		)!;
		const low = item(
			'orchestrator.broadcast.question',
			seedQuestion({ content: { question: 'Later?', urgency: 'low' } })
		)!;
		expect([low, p0].sort(compareItems)[0]).toBe(p0);
		expect(
			item('orchestrator.broadcast.question', seedQuestion({ content: { work_stream: '2.1' } }))?.workStream
		).toBe(undefined);
	});

	it('knows how long a request/reply asker waits, and reads work_stream_id too', () => {
		const asked = item(
			'orchestrator.agent.ada-k3x9.question',
			seedQuestion({ to_agent: 'ada-k3x9', content: { question: 'Q?', work_stream_id: '2.1' } }),
			'_INBOX.abc',
			10_000
		)!;
		expect(asked.waitsUntil).toBe(15_000);
		expect(asked.workStream).toBe('2.1');
		expect(item('orchestrator.broadcast.question', seedQuestion())!.waitsUntil).toBeNull();
	});

	it('reads options, a form, a deadline and context', () => {
		const asked = item(
			'orchestrator.broadcast.question',
			seedQuestion({
				content: {
					question: 'Deploy?',
					options: ['yes', 'no', 42],
					fields: { replicas: { type: 'integer' } },
					timeout_seconds: 60,
					context: 'build 412'
				}
			})
		)!;
		expect(asked.options).toEqual(['yes', 'no']);
		expect(asked.fields).toEqual({ replicas: { type: 'integer' } });
		expect(asked.context).toBe('build 412');
		expect(asked.deadline).toBe(Date.parse('2025-12-07T23:12:11Z'));
	});

	it('offers each choice once, however often the agent lists it', () => {
		const asked = item(
			'orchestrator.broadcast.question',
			seedQuestion({
				content: {
					question: 'Ship?',
					options: ['yes', 'no', 'yes'],
					fields: { region: { type: 'string', enum: ['eu', 'us', 'eu'] } }
				}
			})
		)!;
		expect(asked.options).toEqual(['yes', 'no']);
		expect(asked.fields).toEqual({ region: { type: 'string', enum: ['eu', 'us'] } });
	});

	it('keeps a question whose form is broken, and says why', () => {
		const asked = item(
			'orchestrator.broadcast.question',
			seedQuestion({ content: { question: 'x', fields: { a: { type: 'date' } } } })
		)!;
		expect(asked.fields).toBeNull();
		expect(asked.fieldsProblem).toMatch(/^The question’s form is not usable/);
	});
});

describe('the inbox view', () => {
	const q = (overrides: Record<string, unknown>, at: number) =>
		item(
			'orchestrator.broadcast.question',
			seedQuestion({ correlation_id: `c-${at}`, ...overrides }),
			null,
			at
		)!;

	it('sorts by urgency, blockers first among equals, then by who waited longest', () => {
		const low = q({ content: { question: 'low', urgency: 'low' }, timestamp: '2025-12-07T23:00:00' }, 1);
		const highOld = q(
			{ content: { question: 'high old', urgency: 'high' }, timestamp: '2025-12-07T23:00:00' },
			2
		);
		const highNew = q(
			{ content: { question: 'high new', urgency: 'high' }, timestamp: '2025-12-07T23:05:00' },
			3
		);
		const blocker = item(
			'orchestrator.broadcast.blocker',
			seedBlocker({ content: { blocker: 'b', work_stream: '1', impact: 'high' } })
		)!;
		const sorted = [low, highNew, blocker, highOld].sort(compareItems).map((i) => i.text);
		expect(sorted).toEqual(['b', 'high old', 'high new', 'low']);
	});

	it('keeps one item per question, and the reply subject when one copy has it', () => {
		const replayed = item('orchestrator.agent.ada-k3x9.question', seedQuestion(), null)!;
		const live = item('orchestrator.agent.ada-k3x9.question', seedQuestion(), '_INBOX.abc')!;
		const items = addItems(addItems(new Map(), [replayed]), [live]);
		expect(items.size).toBe(1);
		expect([...items.values()][0].reply).toBe('_INBOX.abc');
	});

	it('splits open from answered, filters, and lists history newest first', () => {
		const a = q({ content: { question: 'alpha' } }, 1);
		const b = q({ content: { question: 'beta' } }, 2);
		const items = addItems(new Map(), [a, b]);
		const record = (x: InboxItem, at: string) => ({
			question_id: x.id,
			by: { id: 'grace', name: 'Grace' },
			at,
			answer: { text: 'ok' },
			question: { from: x.from, kind: x.kind, text: x.text, subject: x.subject }
		});
		const answers = new Map([[a.key, record(a, '2026-11-21T20:00:00Z')]]);
		const claims = new Map([[b.key, { question_id: b.id, by: { id: 'grace', name: 'Grace' }, at: 'now' }]]);
		expect(viewInbox(items, claims, answers, {}).open.map((i) => i.text)).toEqual(['beta']);
		expect(viewInbox(items, claims, answers, { unclaimed: true }).open).toEqual([]);
		expect(viewInbox(items, new Map(), new Map(), { text: 'ALPH' }).open.map((i) => i.text)).toEqual([
			'alpha'
		]);
		expect(viewInbox(items, claims, answers, {}).answered).toEqual([
			{ key: a.key, item: a, record: record(a, '2026-11-21T20:00:00Z') }
		]);
	});

	it('counts down to a deadline', () => {
		expect(countdownText(10 * 60_000 + 5_000, 0)).toBe('10:05');
		expect(countdownText(2 * 3600_000, 0)).toBe('2:00:00');
		expect(countdownText(0, 12_000)).toBe('overdue 0:12');
	});
});

describe('contextLines', () => {
	it('reads a JSON object as label–value lines, nested values as JSON; anything else is left as text', () => {
		expect(contextLines('{"build": 412, "branch": "main", "files": ["a.ts"]}')).toEqual([
			['build', '412'],
			['branch', 'main'],
			['files', '["a.ts"]']
		]);
		expect(contextLines('build 412 failed')).toBeNull();
		expect(contextLines('[1, 2]')).toBeNull();
		expect(contextLines('null')).toBeNull();
	});
});

describe('answerDelivery: where an answer goes, in the asker’s format', () => {
	const by = { id: 'ada-k3x9', name: 'Ada' };
	const yes = { text: 'yes', choice: 'yes' };
	const read = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data));

	it('replies to a seed asker still waiting on its request, else sends to its durable answer subject', () => {
		const asked = item('orchestrator.broadcast.question', seedQuestion(), '_INBOX.abc', 1_000)!;
		const waitsUntil = asked.waitsUntil!;
		const inTime = answerDelivery(asked, yes, by, new Date(waitsUntil - 1_500));
		expect(inTime.subject).toBe('_INBOX.abc');
		expect(read(inTime.data)).toMatchObject({ message_type: 'answer', content: { answer: 'yes' } });
		// In its last second a reply may arrive after it gave up: the durable subject instead.
		expect(answerDelivery(asked, yes, by, new Date(waitsUntil - 500)).subject).toBe(
			'orchestrator.agent.parser-dev-001.answer'
		);
		const published = item('orchestrator.broadcast.question', seedQuestion())!;
		expect(answerDelivery(published, yes, by, new Date()).subject).toBe(
			'orchestrator.agent.parser-dev-001.answer'
		);
	});

	it('answers a Volta query as Volta’s agents reply, on the asker’s own subject', () => {
		const query = item('agent.ada-k3x9.message', voltaQuery())!;
		const delivery = answerDelivery(query, yes, by, new Date());
		expect(delivery.subject).toBe('agent.volta-claude-1.message');
		expect(read(delivery.data)).toMatchObject({ from: 'ada-k3x9', to: 'volta-claude-1', type: 'response' });
	});
});
