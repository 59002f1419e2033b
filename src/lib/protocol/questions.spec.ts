import { describe, expect, it } from 'vitest';
import { AgentMessageSchema, encodeEnvelope } from './envelope';
import { seedQuestion, seedReceiverAccepts, voltaQuery } from './fixtures';
import {
	createAnswerEnvelope,
	createVoltaResponse,
	deadlineOf,
	questionKey,
	replyWaitsUntil,
	seedQuestionId,
	validateFieldValues,
	voltaQuestionId,
	type Fields
} from './questions';
import { McpMessageSchema } from './volta';

const ada = { id: 'ada-k3x9', name: 'Ada' };

describe('question ids', () => {
	it('uses the correlation id the seed’s request() sets, else sender and timestamp', () => {
		const asked = AgentMessageSchema.parse(seedQuestion());
		expect(seedQuestionId(asked)).toBe('parser-dev-001-1733409000.123456');
		const broadcast = AgentMessageSchema.parse(seedQuestion({ correlation_id: null }));
		expect(seedQuestionId(broadcast)).toBe('parser-dev-001-2025-12-07T23:11:11');
	});

	it('uses a Volta query’s requestId, else sender and timestamp', () => {
		expect(voltaQuestionId(McpMessageSchema.parse(voltaQuery()))).toBe('req-42');
		expect(voltaQuestionId(McpMessageSchema.parse(voltaQuery({ metadata: {} })))).toBe(
			'volta-claude-1-2025-12-07T23:11:41.123Z'
		);
	});

	it('makes stable KV keys of any id', () => {
		expect(questionKey('parser-dev-001', 'parser-dev-001-1733409000.123456')).toMatch(/^q_[0-9a-f]{16}$/);
		expect(questionKey('ada', 'a')).toBe(questionKey('ada', 'a'));
		expect(questionKey('ada', 'a')).not.toBe(questionKey('ada', 'b'));
	});

	it('keys a question by its asker too: two agents that both choose request_id "req-1" ask two questions', () => {
		expect(questionKey('volta-a', 'req-1')).not.toBe(questionKey('volta-b', 'req-1'));
		// The pair is never ambiguous: an agent id holds no newline.
		expect(questionKey('a', 'b-c')).not.toBe(questionKey('a-b', 'c'));
	});
});

describe('answers', () => {
	const now = new Date('2026-11-21T20:30:00.000Z');

	it('answers a seed question with an ANSWER envelope the seed accepts, carrying the correlation id', () => {
		const question = AgentMessageSchema.parse(seedQuestion());
		const answer = createAnswerEnvelope(question, { text: 'yes', choice: 'yes' }, ada, now);
		expect(seedReceiverAccepts(encodeEnvelope(answer))).toBe(true);
		expect(answer).toEqual({
			from_agent: 'ada-k3x9',
			to_agent: 'parser-dev-001',
			message_type: 'answer',
			content: {
				answer: 'yes',
				question_id: 'parser-dev-001-1733409000.123456',
				question: question.content.question,
				answered_by: ada,
				choice: 'yes'
			},
			timestamp: '2026-11-21T20:30:00',
			correlation_id: 'parser-dev-001-1733409000.123456'
		});
	});

	it('names the question by the id the asker chose, and echoes its request id and text', () => {
		const question = AgentMessageSchema.parse(
			seedQuestion({ content: { question: 'Roll back release 7?', request_id: 'rollback-7' } })
		);
		expect(seedQuestionId(question)).toBe('rollback-7');
		const answer = createAnswerEnvelope(question, { text: 'no' }, ada, now);
		expect(answer.content).toMatchObject({
			answer: 'no',
			question_id: 'rollback-7',
			request_id: 'rollback-7',
			question: 'Roll back release 7?'
		});
		const chosen = AgentMessageSchema.parse(
			seedQuestion({ content: { question: 'Q?', question_id: 'q-1', request_id: 'r-1' } })
		);
		expect(seedQuestionId(chosen)).toBe('q-1');
	});

	it('knows how long a request/reply asker waits: what it says, else the seed’s 5 s', () => {
		const sent = new Date('2026-11-21T20:30:00Z');
		const arrived = sent.getTime() + 40;
		expect(replyWaitsUntil({}, sent, arrived)).toBe(arrived + 5_000);
		expect(replyWaitsUntil({ timeout_seconds: 30 }, sent, arrived)).toBe(sent.getTime() + 30_000);
		expect(replyWaitsUntil({ timeout_seconds: 30 }, null, arrived)).toBe(arrived + 30_000);
		expect(replyWaitsUntil({ expires_at: '2026-11-21T20:31:00Z' }, sent, arrived)).toBe(
			sent.getTime() + 60_000
		);
	});

	it('answers a Volta query with a response that copies its metadata', () => {
		const query = McpMessageSchema.parse(voltaQuery());
		const response = createVoltaResponse(query, { text: 'PostgreSQL' }, ada, now);
		expect(McpMessageSchema.safeParse(response).success).toBe(true);
		expect(response).toMatchObject({
			from: 'ada-k3x9',
			to: 'volta-claude-1',
			message: 'PostgreSQL',
			type: 'response',
			metadata: {
				requestId: 'req-42',
				fromAgent: 'ada-k3x9',
				responseFrom: 'ada-k3x9',
				responseTime: now.toISOString(),
				question_id: 'req-42'
			},
			timestamp: now.toISOString()
		});
	});
});

describe('validateFieldValues', () => {
	const fields: Fields = {
		env: { type: 'string', enum: ['staging', 'prod'], required: true },
		replicas: { type: 'integer', minimum: 1, maximum: 10, title: 'Replicas' },
		ratio: { type: 'number' },
		canary: { type: 'boolean' }
	};

	it('types what a person typed', () => {
		expect(validateFieldValues(fields, { env: 'prod', replicas: '3', ratio: '0.5', canary: true })).toEqual({
			ok: true,
			values: { env: 'prod', replicas: 3, ratio: 0.5, canary: true }
		});
	});

	it('says per field what is wrong, in words', () => {
		expect(validateFieldValues(fields, { env: '', replicas: '2.5', ratio: 'x' })).toEqual({
			ok: false,
			errors: {
				env: 'env is required.',
				replicas: 'Replicas must be a whole number.',
				ratio: 'ratio must be a number.'
			}
		});
		expect(validateFieldValues(fields, { env: 'prod', replicas: 3, ratio: null })).toEqual({
			ok: true,
			values: { env: 'prod', replicas: 3, canary: false }
		});
		expect(validateFieldValues(fields, { env: 'dev', replicas: 11 })).toEqual({
			ok: false,
			errors: { env: 'env must be one of: staging, prod.', replicas: 'Replicas must be at most 10.' }
		});
	});
});

describe('deadlineOf', () => {
	it('reads an ISO deadline or a timeout after sending', () => {
		expect(deadlineOf({ deadline: '2026-11-21T21:00:00Z' }, null)?.toISOString()).toBe(
			'2026-11-21T21:00:00.000Z'
		);
		expect(deadlineOf({ timeout_seconds: 600 }, new Date('2026-11-21T20:00:00Z'))?.toISOString()).toBe(
			'2026-11-21T20:10:00.000Z'
		);
		expect(deadlineOf({ deadline: 'soon' }, null)).toBeNull();
		expect(deadlineOf({}, new Date())).toBeNull();
	});
});
