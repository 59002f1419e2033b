import { describe, expect, it } from 'vitest';
import {
	AgentMessageSchema,
	checkContent,
	createEnvelope,
	encodeEnvelope,
	EnvelopeError,
	HeartbeatContentSchema,
	MESSAGE_TYPES,
	newCorrelationId,
	readEnvelope,
	StatusUpdateContentSchema
} from './envelope';
import { seedBlocker, seedHeartbeat, seedQuestion, seedReceiverAccepts, seedStatusUpdate } from './fixtures';

describe('AgentMessageSchema', () => {
	it('accepts the seed’s envelopes as they are on the wire', () => {
		for (const message of [seedStatusUpdate(), seedQuestion(), seedBlocker(), seedHeartbeat()]) {
			expect(AgentMessageSchema.safeParse(message).success, message.message_type).toBe(true);
		}
	});

	it('knows all 18 message types', () => {
		expect(MESSAGE_TYPES).toHaveLength(18);
		for (const type of MESSAGE_TYPES) {
			expect(AgentMessageSchema.safeParse(seedStatusUpdate({ message_type: type })).success).toBe(true);
		}
	});

	it('keeps unknown keys instead of stripping them', () => {
		const parsed = AgentMessageSchema.parse(seedStatusUpdate({ trace_id: 'abc' }));
		expect(parsed).toMatchObject({ trace_id: 'abc' });
	});

	it('fills in the keys the Python receiver treats as optional', () => {
		const { to_agent: _to, correlation_id: _c, ...minimal } = seedStatusUpdate();
		expect(AgentMessageSchema.parse(minimal)).toMatchObject({ to_agent: null, correlation_id: null });
	});

	it('refuses what the Python receiver would drop', () => {
		const { from_agent: _f, ...noSender } = seedStatusUpdate();
		expect(AgentMessageSchema.safeParse(noSender).success).toBe(false);
		expect(AgentMessageSchema.safeParse(seedStatusUpdate({ message_type: 'STATUS_UPDATE' })).success).toBe(
			false
		);
		expect(AgentMessageSchema.safeParse(seedStatusUpdate({ timestamp: 'now' })).success).toBe(false);
		expect(AgentMessageSchema.safeParse(seedStatusUpdate({ content: 'started' })).success).toBe(false);
	});
});

describe('readEnvelope (the hand-written fast path)', () => {
	const valid = seedStatusUpdate();
	const variants: Array<[string, unknown]> = [
		['the fixture', valid],
		['no to_agent or correlation_id', { ...valid, to_agent: undefined, correlation_id: undefined }],
		['a direct message', { ...valid, to_agent: 'qa-1', correlation_id: 'c-1' }],
		['extra keys', { ...valid, priority: 3 }],
		['an empty from_agent', { ...valid, from_agent: '' }],
		['a numeric from_agent', { ...valid, from_agent: 7 }],
		['a numeric to_agent', { ...valid, to_agent: 7 }],
		['an unknown type', { ...valid, message_type: 'gossip' }],
		['array content', { ...valid, content: [] }],
		['null content', { ...valid, content: null }],
		['string content', { ...valid, content: 'hi' }],
		['a bad timestamp', { ...valid, timestamp: 'yesterday' }],
		['February 30th', { ...valid, timestamp: '2026-02-30T10:00:00' }],
		['a numeric timestamp', { ...valid, timestamp: 1_700_000_000 }],
		['a numeric correlation_id', { ...valid, correlation_id: 5 }],
		['an array', [valid]],
		['null', null],
		['a string', 'status_update']
	];

	it.each(variants)('agrees with the schema on %s', (_, input) => {
		const json = JSON.parse(JSON.stringify(input ?? null)) as unknown;
		const schema = AgentMessageSchema.safeParse(structuredClone(json));
		const fast = readEnvelope(json);
		if (schema.success) expect(fast).toEqual(schema.data);
		else expect(fast).toBeNull();
	});

	it('never accepts what the schema rejects, for every type', () => {
		for (const message_type of MESSAGE_TYPES) {
			const input = { ...valid, message_type };
			expect(readEnvelope(structuredClone(input))).toEqual(AgentMessageSchema.parse(input));
		}
	});

	it('checks status_update and heartbeat content exactly as their schemas do', () => {
		const contents = [{ status: 'alive' }, { status: 'started' }, { status: '' }, { status: 3 }, {}];
		for (const content of contents) {
			expect(checkContent('status_update', content).ok).toBe(
				StatusUpdateContentSchema.safeParse(content).success
			);
			expect(checkContent('heartbeat', content).ok).toBe(HeartbeatContentSchema.safeParse(content).success);
		}
	});
});

describe('checkContent', () => {
	it('checks the documented content of question, blocker, answer, heartbeat and status_update', () => {
		expect(checkContent('question', seedQuestion().content)).toEqual({ ok: true });
		expect(checkContent('blocker', seedBlocker().content)).toEqual({ ok: true });
		expect(checkContent('heartbeat', seedHeartbeat().content)).toEqual({ ok: true });
		expect(checkContent('answer', { answer: 'yes', question_id: 'q1', confidence: 0.9 })).toEqual({
			ok: true
		});
		expect(checkContent('status_update', { status: 'stop_command', exit_code: 0 })).toEqual({ ok: true });
	});

	it('says what is wrong with content in words', () => {
		expect(checkContent('question', { urgency: 'high' })).toEqual({
			ok: false,
			reason: 'content: question is missing',
			issues: 'question is missing'
		});
		expect(checkContent('blocker', { blocker: 'x', work_stream: '1', impact: 'dire' })).toEqual({
			ok: false,
			reason: "content: impact: 'dire' is not one of 'low', 'medium', 'high', 'critical'",
			issues: "impact: 'dire' is not one of 'low', 'medium', 'high', 'critical'"
		});
	});

	it('lets types without a documented shape carry any object', () => {
		expect(checkContent('task_assigned', { work_stream_id: '2.1', action: 'claim' })).toEqual({ ok: true });
	});
});

describe('createEnvelope and encodeEnvelope', () => {
	const now = new Date('2026-11-21T20:00:00.250Z');

	it('writes all six keys in the seed’s order with the seed’s timestamp format', () => {
		const envelope = createEnvelope({
			from: 'ada-k3x9',
			type: 'status_update',
			content: { status: 'in_progress' },
			now
		});
		const text = new TextDecoder().decode(encodeEnvelope(envelope));
		expect(text).toBe(
			'{"from_agent":"ada-k3x9","to_agent":null,"message_type":"status_update","content":{"status":"in_progress"},"timestamp":"2026-11-21T20:00:00.250000","correlation_id":null}'
		);
		expect(seedReceiverAccepts(encodeEnvelope(envelope))).toBe(true);
	});

	it('writes only what the Python receiver accepts, for every type', () => {
		for (const type of MESSAGE_TYPES) {
			const content =
				type === 'question'
					? { question: 'q?' }
					: type === 'blocker'
						? { blocker: 'b', work_stream: '1' }
						: type === 'answer'
							? { answer: 'a', question_id: 'q' }
							: type === 'heartbeat'
								? { status: 'alive' }
								: { status: 'started' };
			const bytes = encodeEnvelope(createEnvelope({ from: 'ada', type, content, now: new Date(0) }));
			expect(seedReceiverAccepts(bytes), type).toBe(true);
		}
	});

	it('refuses to send what the seed would drop, saying why', () => {
		expect(() => createEnvelope({ from: '', type: 'status_update', content: { status: 'x' } })).toThrow(
			EnvelopeError
		);
		expect(() => createEnvelope({ from: 'ada', type: 'question', content: {} })).toThrow(
			'Cannot send this question: content: question is missing'
		);
	});

	it('makes correlation ids of the seed’s form', () => {
		expect(newCorrelationId('parser-dev-001', new Date(1733409000123))).toBe(
			'parser-dev-001-1733409000.123000'
		);
	});
});

describe('readPresenceFields', () => {
	it('takes each presence key that has the right type, and ignores the rest', async () => {
		const { readPresenceFields } = await import('./presence');
		expect(
			readPresenceFields({ kind: 'human', name: 'Ada', team: 'platform', capabilities: ['review'] })
		).toEqual({
			kind: 'human',
			name: 'Ada',
			team: 'platform',
			capabilities: ['review']
		});
		expect(readPresenceFields({ kind: 'robot', name: 42, capabilities: ['a', 1], status: 'alive' })).toEqual({
			kind: undefined,
			name: undefined,
			team: undefined,
			capabilities: undefined
		});
	});
});
