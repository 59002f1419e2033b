import { describe, expect, it } from 'vitest';
import { decode } from './decode';
import { encodeEnvelope } from './envelope';
import { jsonBytes, seedReceiverAccepts, voltaQuery } from './fixtures';
import { readAuditRecord, toJsonLines, type AuditRecord } from './audit';
import { approvalOf, createAnswerEnvelope, proposalOf } from './questions';
import { createEnvelope } from './envelope';
import {
	checkSteer,
	controlStatus,
	readControl,
	steeringCommandMessage,
	steeringEnvelope,
	STEERING_COMMANDS
} from './steering';

const ada = { id: 'ada-k3x9', name: 'Ada' };
const at = new Date('2026-11-22T10:00:00.000Z');
const seedQuestionEnvelope = (content: Record<string, unknown>) =>
	createEnvelope({ from: 'coder', type: 'question', content, correlationId: 'coder-1.5', now: at });

describe('steering orders', () => {
	it('are envelopes the orchestrator’s receiver accepts, one per command, naming who asked', () => {
		for (const command of STEERING_COMMANDS) {
			const envelope = steeringEnvelope(
				'coder-2.1-1733409000',
				{ command, task: '2.1', goal: 'ship it' },
				ada,
				at
			);
			expect(seedReceiverAccepts(encodeEnvelope(envelope))).toBe(true);
			expect(envelope).toMatchObject({
				from_agent: ada.id,
				to_agent: 'coder-2.1-1733409000',
				message_type: command
			});
			expect(envelope.content.requested_by).toEqual(ada);
		}
		// stop_task keeps the seed's own emergency_stop fields.
		const stop = steeringEnvelope(
			'coder',
			{ command: 'stop_task', task: '2.1', reason: 'wrong branch' },
			ada,
			at
		);
		expect(stop.content).toMatchObject({ mode: 'graceful', reason: 'wrong branch', work_stream_id: '2.1' });
		expect(typeof stop.content.message).toBe('string');
	});

	it('say what is missing before anything is sent', () => {
		expect(checkSteer({ command: 'pause_agent' })).toBeNull();
		expect(checkSteer({ command: 'stop_task', task: '  ' })).toMatch(/which task/u);
		expect(checkSteer({ command: 'update_goal' })).toMatch(/new goal/u);
		expect(checkSteer({ command: 'update_goal', goal: 'x'.repeat(4001) })).toMatch(/4,000/u);
		expect(checkSteer({ command: 'reboot' as never })).toMatch(/not a steering command/u);
	});

	it('are read back alike from both dialects, and the agent’s status says what it did', () => {
		const seed = readControl(
			decode(
				'orchestrator.agent.coder.update_goal',
				encodeEnvelope(
					steeringEnvelope('coder', { command: 'update_goal', goal: 'Parser first', task: '2.1' }, ada, at)
				)
			)
		);
		const volta = readControl(
			decode(
				'agent.coder.message',
				jsonBytes(
					steeringCommandMessage(
						'coder',
						{ command: 'update_goal', goal: 'Parser first', task: '2.1' },
						ada,
						at
					)
				)
			)
		);
		expect(seed).toEqual({ ...volta, dialect: 'seed' });
		expect(volta).toMatchObject({
			command: 'update_goal',
			goal: 'Parser first',
			task: '2.1',
			requestedBy: ada
		});
		expect(controlStatus(seed!)).toEqual({
			status: 'update_goal',
			goal: 'Parser first',
			work_stream_id: '2.1',
			requested_by: ada
		});
		// A Volta command sent by hand, with only its word: still an order.
		const byHand = readControl(
			decode(
				'agent.coder.message',
				jsonBytes(voltaQuery({ type: 'command', message: ' pause ', metadata: {} }))
			)
		);
		expect(byHand).toMatchObject({ command: 'pause_agent', dialect: 'volta', requestedBy: null });
		expect(controlStatus(byHand!)).toEqual({ status: 'paused' });
	});

	it('are not read into what is not an order', () => {
		expect(readControl(decode('agent.coder.message', jsonBytes(voltaQuery())))).toBeNull();
		expect(
			readControl(
				decode('agent.coder.message', jsonBytes(voltaQuery({ type: 'command', message: 'reboot' })))
			)
		).toBeNull();
		expect(
			readControl(decode('orchestrator.agent.coder.pause_agent', jsonBytes({ from_agent: 'x' })))
		).toBeNull();
		// A requested_by that is not a person is left out, not trusted.
		const forged = readControl(
			decode(
				'agent.coder.message',
				jsonBytes(
					voltaQuery({
						type: 'command',
						message: 'pause',
						metadata: { command: 'pause_agent', args: { requested_by: 'root' } }
					})
				)
			)
		);
		expect(forged?.requestedBy).toBeNull();
	});
});

describe('audit records', () => {
	const record: AuditRecord = {
		action: 'steer',
		by: ada,
		at: '2026-11-22T10:00:00.000Z',
		agent: 'coder',
		question: null,
		summary: 'Ada paused coder',
		detail: { command: 'pause_agent' }
	};

	it('export as JSON Lines: one record per line, each as kept', () => {
		const text = toJsonLines([record, { ...record, action: 'ping', summary: 'Ada pinged coder: 2 ms' }]);
		const lines = text.split('\n');
		expect(lines).toHaveLength(3);
		expect(lines[2]).toBe('');
		expect(JSON.parse(lines[1])).toMatchObject({ action: 'ping' });
		expect(toJsonLines([])).toBe('');
	});

	it('say why something kept on the audit subjects is not a record', () => {
		expect(readAuditRecord(record)).toEqual({ ok: true, record });
		expect(readAuditRecord({ ...record, at: 'yesterday' })).toMatchObject({
			ok: false,
			reason: expect.stringContaining('at')
		});
		expect(readAuditRecord({ ...record, action: 'delete_everything' })).toMatchObject({ ok: false });
	});
});

describe('proposals edited before approving', () => {
	it('are read from a blocker’s suggested resolution or a question’s args, and approved as proposed or edited', () => {
		expect(proposalOf('blocker', { blocker: 'b', suggested_resolution: 'Pin numpy to 1.26' })).toEqual({
			kind: 'resolution',
			text: 'Pin numpy to 1.26'
		});
		expect(proposalOf('question', { suggested_resolution: 'x' })).toBeNull();
		const scale = proposalOf('question', { action: 'scale', args: { service: 'api', replicas: 3 } })!;
		expect(scale).toEqual({ kind: 'args', action: 'scale', args: { service: 'api', replicas: 3 } });
		expect(proposalOf('question', { args: [1, 2] })).toBeNull();

		// The same object with its keys in another order is not an edit.
		expect(approvalOf(scale, { replicas: 3, service: 'api' })).toEqual({
			text: 'Approved',
			decision: 'approve',
			args: { replicas: 3, service: 'api' },
			edited: false
		});
		expect(approvalOf(scale, { service: 'api', replicas: 2 }, 'budget')).toMatchObject({
			text: 'Approved with edits (budget)',
			edited: true,
			args: { replicas: 2 }
		});
		const pin = proposalOf('blocker', { suggested_resolution: 'Pin numpy to 1.26' })!;
		expect(approvalOf(pin, ' Pin numpy to 1.26 ')).toMatchObject({
			edited: false,
			args: { resolution: 'Pin numpy to 1.26' }
		});
		expect(approvalOf(pin, 'Pin numpy to 1.25')).toMatchObject({
			text: 'Approved with edits: Pin numpy to 1.25',
			edited: true
		});
	});

	it('reach the asker in its answer: edited, with the arguments approved', () => {
		const question = seedQuestionEnvelope({ question: 'Scale?', action: 'scale', args: { replicas: 3 } });
		const answer = createAnswerEnvelope(
			question,
			approvalOf(proposalOf('question', question.content)!, { replicas: 2 }),
			ada,
			at
		);
		expect(seedReceiverAccepts(encodeEnvelope(answer))).toBe(true);
		expect(answer.content).toMatchObject({
			decision: 'approve',
			edited: true,
			args: { replicas: 2 },
			answer: 'Approved with edits'
		});
	});
});
