import { describe, expect, it } from 'vitest';
import { decode, parseJson } from './decode';
import {
	jsonBytes,
	seedBlocker,
	seedStatusUpdate,
	voltaAnnounce,
	voltaHeartbeat,
	voltaQuery,
	voltaStatus
} from './fixtures';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('decode: the orchestrator', () => {
	it('decodes a seed broadcast with a dotted sender and a zone-less timestamp', () => {
		const result = decode('orchestrator.broadcast.status_update', jsonBytes(seedStatusUpdate()));
		expect(result).toMatchObject({
			ok: true,
			dialect: 'seed',
			route: { kind: 'seed.broadcast', type: 'status_update' },
			envelope: { from_agent: 'coder-2.1-1733409000', content: { work_stream_id: '2.1' } },
			content: { ok: true }
		});
	});

	it('decodes direct messages to dotted ids', () => {
		const message = seedStatusUpdate({ to_agent: 'coder-2.1-1733409000', message_type: 'ping', content: {} });
		const result = decode('orchestrator.agent.coder-2.1-1733409000.ping', jsonBytes(message));
		expect(result).toMatchObject({
			ok: true,
			route: { kind: 'seed.direct', agentId: 'coder-2.1-1733409000' }
		});
	});

	it('keeps a valid envelope whose content is off, and says what is off', () => {
		const result = decode(
			'orchestrator.broadcast.blocker',
			jsonBytes(seedBlocker({ content: { blocker: 'x' } }))
		);
		expect(result).toMatchObject({
			ok: true,
			content: { ok: false, reason: 'content: work_stream is missing' }
		});
	});

	it('flags an envelope whose type contradicts its subject', () => {
		const result = decode('orchestrator.broadcast.heartbeat', jsonBytes(seedStatusUpdate()));
		expect(result).toEqual(
			expect.objectContaining({
				ok: false,
				reason: 'the subject says heartbeat but the envelope says status_update'
			})
		);
	});
});

describe('decode: Volta Shell', () => {
	it('decodes announce, status, heartbeat and messages', () => {
		expect(decode('agent.announce', jsonBytes(voltaAnnounce()))).toMatchObject({
			ok: true,
			payload: { kind: 'announce', value: { id: 'volta-claude-1' } }
		});
		expect(decode('agent.volta-claude-1.status', jsonBytes(voltaStatus()))).toMatchObject({
			ok: true,
			payload: { kind: 'status' }
		});
		expect(decode('agent.volta-claude-1.heartbeat', jsonBytes(voltaHeartbeat()))).toMatchObject({
			ok: true,
			payload: { kind: 'heartbeat', value: { uptime: 30000 } }
		});
		expect(decode('agent.ada-k3x9.message', jsonBytes(voltaQuery()))).toMatchObject({
			ok: true,
			payload: { kind: 'message', value: { type: 'query', metadata: { requestId: 'req-42' } } }
		});
		expect(decode('agent.broadcast', jsonBytes(voltaQuery({ to: 'all', type: 'text' })))).toMatchObject({
			ok: true
		});
	});

	it('decodes the registry requests, mcp.list_agents and mcp.get_agent_info', () => {
		expect(decode('mcp.list_agents', jsonBytes({ action: 'list_agents', status: 'online' }))).toMatchObject({
			ok: true,
			payload: { kind: 'list_agents' }
		});
		expect(decode('mcp.get_agent_info', jsonBytes({ agentId: 'volta-claude-1' }))).toMatchObject({
			ok: true,
			payload: { kind: 'get_agent_info', value: { agentId: 'volta-claude-1' } }
		});
		expect(decode('mcp.get_agent_info', jsonBytes({ action: 'get_agent_info' }))).toMatchObject({
			ok: false,
			reason: expect.stringContaining('agentId is missing')
		});
	});

	it('flags a heartbeat whose payload names another agent than its subject', () => {
		expect(decode('agent.someone-else.heartbeat', jsonBytes(voltaHeartbeat()))).toMatchObject({
			ok: false,
			reason: 'the subject names agent someone-else but the payload says volta-claude-1'
		});
	});
});

describe('decode: what is not a message', () => {
	it('never throws, and explains each failure', () => {
		const cases: Array<[string, Uint8Array, string | RegExp]> = [
			['orchestrator.broadcast.status_update', new Uint8Array(), 'empty payload'],
			[
				'orchestrator.broadcast.status_update',
				new Uint8Array([0xff, 0xfe, 0x00]),
				'payload is not valid UTF-8 text'
			],
			['orchestrator.broadcast.status_update', bytes('{"from_agent": '), /^payload is not JSON/],
			['orchestrator.broadcast.status_update', bytes('[1,2,3]'), /^not a seed envelope: /],
			[
				'orchestrator.broadcast.status_update',
				bytes('{}'),
				'not a seed envelope: from_agent is missing; message_type is missing; content is missing (and 1 more)'
			],
			[
				'orchestrator.broadcast.dance',
				jsonBytes(seedStatusUpdate()),
				"'dance' in orchestrator.broadcast.dance is not a known message type"
			],
			['agent.announce', bytes('"hello"'), /^not a Volta Shell announce/]
		];
		for (const [subject, data, reason] of cases) {
			const result = decode(subject, data);
			expect(result.ok, subject).toBe(false);
			if (!result.ok) expect(result.reason).toMatch(reason);
		}
	});

	it('survives deep nesting and large payloads', () => {
		const deep = '['.repeat(3000) + ']'.repeat(3000);
		expect(decode('orchestrator.broadcast.status_update', bytes(deep)).ok).toBe(false);
		const big = seedStatusUpdate({ content: { status: 'started', log: 'x'.repeat(1_000_000) } });
		expect(decode('orchestrator.broadcast.status_update', jsonBytes(big)).ok).toBe(true);
	});

	it('parseJson reads JSON values of any kind', () => {
		expect(parseJson(bytes('null'))).toEqual({ ok: true, value: null });
	});
});

describe('decodeEnvelope: replies that arrive on an inbox', () => {
	it('reads a reply envelope by its own type', async () => {
		const { decodeEnvelope } = await import('./decode');
		const reply = seedStatusUpdate({
			message_type: 'resource_response',
			content: { resource: 'task_model' }
		});
		expect(decodeEnvelope(jsonBytes(reply))).toMatchObject({
			ok: true,
			envelope: { message_type: 'resource_response' }
		});
		expect(decodeEnvelope(bytes('{"stream":"X","seq":1}'))).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/^not a seed envelope: from_agent is missing/)
		});
	});
});
