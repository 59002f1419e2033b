import { describe, expect, it } from 'vitest';
import { McpMessageSchema } from '$lib/protocol';
import { seedReceiverAccepts } from '$lib/protocol/fixtures';
import { buildOutgoing, type Draft } from './compose';

const draft = (overrides: Partial<Draft>): Draft => ({
	mode: 'broadcast',
	type: 'status_update',
	target: '',
	content: '{"status":"in_progress"}',
	...overrides
});
const now = new Date('2026-11-21T21:00:00Z');

describe('buildOutgoing', () => {
	it('builds each kind of message on its seed subject, as an envelope the seed accepts', () => {
		const cases: Array<[Partial<Draft>, string]> = [
			[{}, 'orchestrator.broadcast.status_update'],
			[
				{ mode: 'direct', target: 'coder-2.1-1733409000' },
				'orchestrator.agent.coder-2.1-1733409000.status_update'
			],
			[{ mode: 'team', target: 'platform' }, 'orchestrator.team.platform.status_update'],
			[
				{ mode: 'queue', target: 'test_execution', type: 'task_assignment' },
				'orchestrator.queue.test_execution'
			],
			[
				{ mode: 'request', target: 'architect', type: 'resource_request' },
				'orchestrator.agent.architect.resource_request'
			]
		];
		for (const [overrides, subject] of cases) {
			const out = buildOutgoing(draft(overrides), 'ada-k3x9', 1_048_576, now);
			expect(out, subject).toMatchObject({ ok: true, subject });
			if (out.ok) expect(seedReceiverAccepts(out.bytes)).toBe(true);
		}
		const request = buildOutgoing(
			draft({ mode: 'request', target: 'architect' }),
			'ada-k3x9',
			1_048_576,
			now
		);
		expect(request.ok && JSON.parse(new TextDecoder().decode(request.bytes)).correlation_id).toBe(
			'ada-k3x9-1795294800.000000'
		);
	});

	it('refuses, in words, what it cannot send', () => {
		const refuse = (overrides: Partial<Draft>, max = 1_048_576) => {
			const out = buildOutgoing(draft(overrides), 'ada-k3x9', max, now);
			return out.ok ? 'sent' : out.error;
		};
		expect(refuse({ content: '{status' })).toMatch(/^The content is not JSON/);
		expect(refuse({ content: '[1]' })).toBe(
			'The content must be a JSON object, like {"status": "in_progress"}.'
		);
		expect(refuse({ mode: 'direct' })).toBe('Say which agent id to send to.');
		expect(refuse({ mode: 'direct', target: 'has space' })).toMatch(/cannot be used in a subject/);
		expect(refuse({ type: 'question', content: '{}' })).toBe(
			'Cannot send this question: content: question is missing'
		);
		expect(refuse({ content: JSON.stringify({ status: 'x', blob: 'y'.repeat(2_000_000) }) })).toBe(
			'The message is 1.9 MB; this server accepts at most 1.0 MB. Send less content.'
		);
	});
});

describe('buildOutgoing in Volta Shell’s format', () => {
	const volta = (overrides: Partial<Draft>) =>
		draft({
			dialect: 'volta',
			voltaType: 'text',
			mode: 'direct',
			target: 'volta-claude-1',
			content: 'Hello',
			...overrides
		});
	const read = (out: ReturnType<typeof buildOutgoing>) => {
		if (!out.ok) throw new Error(out.error);
		return {
			subject: out.subject,
			message: McpMessageSchema.parse(JSON.parse(new TextDecoder().decode(out.bytes)))
		};
	};

	it('sends text, commands and queries to one agent as the MCPMessage Volta’s agents read', () => {
		expect(read(buildOutgoing(volta({}), 'ada-k3x9', 1_048_576, now))).toEqual({
			subject: 'agent.volta-claude-1.message',
			message: {
				from: 'ada-k3x9',
				to: 'volta-claude-1',
				message: 'Hello',
				type: 'text',
				metadata: {},
				timestamp: '2026-11-21T21:00:00.000Z'
			}
		});
		// A query carries a request id: Volta's agents copy the metadata into their responses.
		const query = read(
			buildOutgoing(volta({ voltaType: 'query', content: 'Which DB?' }), 'ada-k3x9', 1_048_576, now)
		);
		expect(query.message).toMatchObject({
			type: 'query',
			metadata: { requestId: expect.stringMatching(/^ada-k3x9-/u) }
		});
		expect(
			read(buildOutgoing(volta({ voltaType: 'command', content: 'pause' }), 'ada-k3x9', 1_048_576, now))
				.message.type
		).toBe('command');
	});

	it('broadcasts to all on agent.broadcast', () => {
		expect(
			read(buildOutgoing(volta({ mode: 'broadcast', target: '' }), 'ada-k3x9', 1_048_576, now))
		).toMatchObject({
			subject: 'agent.broadcast',
			message: { to: 'all', type: 'text' }
		});
	});

	it('refuses what Volta has no way to send, and an empty message, in words', () => {
		expect(buildOutgoing(volta({ mode: 'team', target: 'platform' }), 'ada', 1_048_576, now)).toEqual({
			ok: false,
			error: 'Volta Shell has direct messages and a broadcast only: choose “To an agent” or “Broadcast”.'
		});
		expect(buildOutgoing(volta({ content: '   ' }), 'ada', 1_048_576, now)).toEqual({
			ok: false,
			error: 'Write the message to send.'
		});
		expect(buildOutgoing(volta({ target: 'bad id' }), 'ada', 1_048_576, now).ok).toBe(false);
	});
});
