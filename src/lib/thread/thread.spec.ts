import { describe, expect, it } from 'vitest';
import { decode, type AnswerRecord, type AuditRecord } from '../protocol';
import { jsonBytes, seedQuestion, voltaQuery } from '../protocol/fixtures';
import {
	isConversationSubject,
	searchThread,
	threadEntryOf,
	threadOf,
	withEntries,
	THREAD_LIMIT,
	type ThreadEntry
} from './thread';

const entry = (subject: string, payload: unknown, at = 0) =>
	threadEntryOf(decode(subject, jsonBytes(payload)), subject, at);

describe('an agent’s thread', () => {
	it('takes questions, blockers, answers and Volta messages, and nothing of presence or work', () => {
		expect(isConversationSubject('orchestrator.agent.coder.2.1.answer')).toBe(true);
		expect(isConversationSubject('orchestrator.broadcast.heartbeat')).toBe(false);
		expect(isConversationSubject('agent.coder.heartbeat')).toBe(false);
		expect(isConversationSubject('agent.coder.message')).toBe(true);

		const asked = entry(
			'orchestrator.broadcast.question',
			seedQuestion({ content: { question: 'Ready?', request_id: 'r-1' } })
		);
		expect(asked).toMatchObject({
			kind: 'question',
			from: 'parser-dev-001',
			text: 'Ready?',
			questionId: 'r-1'
		});
		const followUp = entry(
			'orchestrator.agent.parser-dev-001.question',
			seedQuestion({ from_agent: 'ada', to_agent: 'parser-dev-001', content: { question: 'And the tests?' } })
		);
		expect(followUp).toMatchObject({ from: 'ada', to: 'parser-dev-001', kind: 'question' });
		const volta = entry(
			'agent.volta-1.message',
			voltaQuery({ from: 'volta-1', to: 'ada', message: 'Which branch?' })
		);
		expect(volta).toMatchObject({ kind: 'question', from: 'volta-1', to: 'ada', text: 'Which branch?' });
		expect(
			entry(
				'orchestrator.broadcast.status_update',
				seedQuestion({ message_type: 'status_update', content: { status: 'x' } })
			)
		).toBeNull();
		expect(entry('orchestrator.broadcast.question', { not: 'an envelope' })).toBeNull();
	});

	it('shows who answered from the answer record, not the envelope that carried it, and what people did', () => {
		const asked = entry(
			'orchestrator.broadcast.question',
			seedQuestion({ content: { question: 'Ready?', request_id: 'r-1' } }),
			1_000
		)!;
		const carried = entry(
			'orchestrator.agent.parser-dev-001.answer',
			seedQuestion({
				from_agent: 'ada',
				to_agent: 'parser-dev-001',
				message_type: 'answer',
				content: { answer: 'yes', question_id: 'r-1' },
				timestamp: '2025-12-07T23:12:00'
			})
		)!;
		const record: AnswerRecord = {
			question_id: 'r-1',
			by: { id: 'ada', name: 'Ada' },
			at: '2025-12-07T23:12:00.000Z',
			answer: { text: 'yes' },
			question: {
				from: 'parser-dev-001',
				kind: 'question',
				text: 'Ready?',
				subject: 'orchestrator.broadcast.question'
			}
		};
		const paused: AuditRecord = {
			action: 'steer',
			by: { id: 'grace', name: 'Grace' },
			at: '2025-12-07T23:13:00.000Z',
			agent: 'parser-dev-001',
			question: null,
			summary: 'Grace paused parser-dev-001',
			detail: {}
		};
		const thread = threadOf('parser-dev-001', [asked, carried], new Map([[asked.questionKey!, record]]), [
			paused
		]);
		expect(thread.map((e) => [e.kind, e.by, e.text])).toEqual([
			['question', null, 'Ready?'],
			['answered', 'Ada', 'yes'],
			['action', 'Grace', 'Grace paused parser-dev-001']
		]);
		// Another agent's thread has neither the answer record nor the action.
		expect(threadOf('someone-else', [], new Map([[asked.questionKey!, record]]), [paused])).toEqual([]);
	});

	it('keeps each message once, in time order, and only the newest few hundred', () => {
		const make = (i: number): ThreadEntry => ({
			id: `m${i}`,
			at: i,
			kind: 'message',
			from: 'a',
			to: 'b',
			text: `${i}`,
			questionId: null,
			questionKey: null,
			by: null
		});
		const once = withEntries([make(2)], [make(1), make(2)]);
		expect(once.map((e) => e.id)).toEqual(['m1', 'm2']);
		const many = withEntries(
			once,
			Array.from({ length: THREAD_LIMIT + 10 }, (_, i) => make(i + 3))
		);
		expect(many).toHaveLength(THREAD_LIMIT);
		expect(many.at(-1)?.id).toBe(`m${THREAD_LIMIT + 12}`);
	});

	it('is searched by words, by who answered, and by date', () => {
		const entries: ThreadEntry[] = [
			{
				id: '1',
				at: Date.parse('2026-11-20T10:00:00Z'),
				kind: 'question',
				from: 'coder',
				to: null,
				text: 'Deploy build 412?',
				questionId: 'q',
				questionKey: 'k',
				by: null
			},
			{
				id: '2',
				at: Date.parse('2026-11-22T10:00:00Z'),
				kind: 'answered',
				from: 'grace',
				to: 'coder',
				text: 'yes',
				questionId: 'q',
				questionKey: 'k',
				by: 'Grace'
			}
		];
		expect(searchThread(entries, 'deploy 412').map((e) => e.id)).toEqual(['1']);
		expect(searchThread(entries, 'grace').map((e) => e.id)).toEqual(['2']);
		expect(searchThread(entries, '2026-11-20').map((e) => e.id)).toEqual(['1']);
		expect(searchThread(entries, '  ')).toHaveLength(2);
	});
});
