/**
 * docs/asyncapi.yaml: generated from the protocol module's zod schemas, current, and valid by the
 * official AsyncAPI parser (zero errors).
 */
import fs from 'node:fs';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { asyncApiYaml, ASYNCAPI_FILE } from '../scripts/asyncapi';
import { MESSAGE_TYPES } from '../src/lib/protocol';

describe('docs/asyncapi.yaml', () => {
	it('is what the protocol module generates now (run npm run asyncapi after changing a schema)', () => {
		expect(fs.readFileSync(ASYNCAPI_FILE, 'utf8')).toBe(asyncApiYaml());
	});

	it('is a valid AsyncAPI 3 document: the official parser reports no error', async () => {
		const { document, diagnostics } = await new Parser().parse(fs.readFileSync(ASYNCAPI_FILE, 'utf8'));
		const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
		expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
		expect(document?.version()).toBe('3.1.0');

		// Every channel Switchboard speaks, with the orchestrator's 18 message types on its subjects.
		const addresses = document!
			.channels()
			.all()
			.map((channel) => channel.address());
		for (const address of [
			'orchestrator.broadcast.{messageType}',
			'orchestrator.agent.{agentId}.{messageType}',
			'orchestrator.team.{teamId}.{messageType}',
			'orchestrator.queue.{queueName}',
			'agent.announce',
			'agent.{agentId}.status',
			'agent.{agentId}.heartbeat',
			'agent.{agentId}.message',
			'agent.broadcast',
			'mcp.list_agents',
			'switchboard.answer.{questionKey}',
			'$KV.switchboard_claims.{questionKey}.claim',
			'$SRV.PING'
		]) {
			expect(addresses).toContain(address);
		}
		const broadcast = document!
			.channels()
			.all()
			.find((c) => c.address() === 'orchestrator.broadcast.{messageType}')!;
		expect(
			broadcast
				.messages()
				.all()
				.map((m) => m.name())
				.sort()
		).toEqual([...MESSAGE_TYPES].sort());
	});

	it('carries the schemas themselves: a question’s content as the protocol module reads it', () => {
		const yaml = fs.readFileSync(ASYNCAPI_FILE, 'utf8');
		for (const field of [
			'question:',
			'urgency:',
			'options:',
			'fields:',
			'deadline:',
			'answered_by:',
			'question_id:'
		])
			expect(yaml).toContain(field);
	});
});
