/**
 * Steering against a real server: an SDK agent obeys a person's orders in either dialect and says so
 * in a status every roster reads; pings are measured; every order is in the audit trail, which no
 * client may delete from or purge, and which shows what is not a record as invalid.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { connectAgent, type ControlMessage, type SwitchboardAgent } from '../../sdk';
import { record, until } from '../../../tests/helpers/watching';
import { auditKept } from '../../../tests/helpers/audit';
import { pingAgent, steerAgent, SteerError } from './steer';

const natsUrl = inject('natsUrl');
const unique = () => Math.random().toString(36).slice(2, 8);
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function person(): Promise<NatsConnection> {
	const nc = await connect({ servers: natsUrl });
	cleanups.push(() => nc.close());
	return nc;
}

async function agent(name: string): Promise<SwitchboardAgent> {
	const a = await connectAgent({ servers: natsUrl, name });
	cleanups.push(() => a.close());
	return a;
}

const kept = async () => auditKept(await person());

const ada = { id: 'ada-k3x9', name: 'Ada' };

describe('steering an SDK agent', () => {
	it('pauses and resumes it in the orchestrator’s envelope; it says so, and the trail keeps both', async () => {
		const coder = await agent(`coder-${unique()}`);
		const heard: ControlMessage[] = [];
		coder.onControl((control) => {
			heard.push(control);
		});
		const nc = await person();
		const statuses = record(nc, 'orchestrator.broadcast.status_update');
		const target = { id: coder.identity.id, name: coder.identity.name, dialect: 'seed' as const };

		const paused = await steerAgent(nc, target, { command: 'pause_agent', reason: 'cost review' }, ada);
		await until(() => coder.paused, 'the agent to pause');
		expect(heard[0]).toEqual({
			command: 'pause_agent',
			dialect: 'seed',
			from: ada.id,
			requestedBy: ada,
			task: null,
			goal: null,
			reason: 'cost review'
		});
		await until(
			() =>
				statuses
					.json()
					.some(
						(m) =>
							m.body.from_agent === coder.identity.id &&
							(m.body.content as { status: string }).status === 'paused'
					),
			'the paused status'
		);
		expect(paused.summary).toBe(`Ada paused ${coder.identity.name} (${coder.identity.id}): cost review`);

		await steerAgent(nc, target, { command: 'resume_agent' }, ada);
		await until(() => !coder.paused, 'the agent to resume');
		await until(
			() =>
				statuses
					.json()
					.some(
						(m) =>
							m.body.from_agent === coder.identity.id &&
							(m.body.content as { status: string }).status === 'in_progress'
					),
			'the in_progress status'
		);

		const { records } = await kept();
		const mine = records.filter((r) => r.agent === coder.identity.id);
		expect(mine.map((r) => [r.action, r.detail.command, r.by.name])).toEqual([
			['steer', 'pause_agent', 'Ada'],
			['steer', 'resume_agent', 'Ada']
		]);
	});

	it('stops a task and sets a goal as Volta commands, read the same way', async () => {
		const coder = await agent(`volta-${unique()}`);
		const heard: ControlMessage[] = [];
		coder.onControl((control) => {
			heard.push(control);
		});
		const nc = await person();
		const messages = record(nc, `agent.${coder.identity.id}.message`);
		const target = { id: coder.identity.id, name: 'Volta coder', dialect: 'volta' as const };
		await steerAgent(nc, target, { command: 'stop_task', task: '2.1' }, ada);
		await steerAgent(nc, target, { command: 'update_goal', goal: 'Ship the parser first' }, ada);
		await until(() => heard.length === 2, 'both orders');
		expect(heard.map((c) => [c.dialect, c.command, c.task, c.goal])).toEqual([
			['volta', 'stop_task', '2.1', null],
			['volta', 'update_goal', null, 'Ship the parser first']
		]);
		// Volta's own MCPMessage: a command, its word in `message`, the order in metadata.
		expect(messages.json()[0].body).toMatchObject({
			from: ada.id,
			to: coder.identity.id,
			type: 'command',
			message: 'stop',
			metadata: { command: 'stop_task', args: { work_stream_id: '2.1', mode: 'graceful' } }
		});
		expect(Object.keys(messages.json()[0].body)).toEqual([
			'from',
			'to',
			'message',
			'type',
			'metadata',
			'timestamp'
		]);
	});

	it('sends nothing when the order is incomplete, and a handler that declines broadcasts nothing', async () => {
		const coder = await agent(`stubborn-${unique()}`);
		let asked = 0;
		coder.onControl(() => {
			asked += 1;
			return false;
		});
		const nc = await person();
		const statuses = record(nc, 'orchestrator.broadcast.status_update');
		const target = { id: coder.identity.id, name: 'stubborn', dialect: 'seed' as const };
		await expect(steerAgent(nc, target, { command: 'stop_task' }, ada)).rejects.toThrow(
			'Say which task to stop'
		);
		await expect(steerAgent(nc, target, { command: 'update_goal', goal: ' ' }, ada)).rejects.toThrow(
			'Write the new goal'
		);
		await steerAgent(nc, target, { command: 'pause_agent' }, ada);
		await until(() => asked === 1, 'the order to arrive');
		await nc.flush();
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(statuses.json().filter((m) => m.body.from_agent === coder.identity.id)).toEqual([]);
		expect(coder.paused).toBe(false);
	});
});

describe('ping', () => {
	it('measures the round trip to an agent and records it; an absent agent is said to be absent', async () => {
		const coder = await agent(`pinged-${unique()}`);
		const nc = await person();
		const { roundTripMs, record: kept } = await pingAgent(
			nc,
			{ id: coder.identity.id, name: 'pinged', dialect: 'seed' },
			ada
		);
		expect(roundTripMs).toBeGreaterThan(0);
		expect(kept.detail).toEqual({ round_trip_ms: roundTripMs });
		await expect(
			pingAgent(nc, { id: `gone-${unique()}`, name: 'gone', dialect: 'seed' }, ada)
		).rejects.toThrow(/Nobody listens for pings to gone-/u);
		await expect(pingAgent(nc, { id: 'volta-1', name: 'V', dialect: 'volta' }, ada)).rejects.toThrow(
			SteerError
		);
	});
});
