/**
 * Steering an agent and pinging it, on any NatsConnection: the order is checked, sent in the agent's
 * dialect, confirmed as accepted by the server (a refused permission is an error in words), and
 * recorded in the audit trail. The page, the CLI and tests use these same functions.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { describeError, isNoResponders, publishConfirmed } from '../connection';
import {
	checkSteer,
	createEnvelope,
	decodeEnvelope,
	encodeEnvelope,
	formatIsoTimestamp,
	newCorrelationId,
	seedSubjects,
	STEERING_LABELS,
	steeringCommandMessage,
	steeringEnvelope,
	voltaSubjects,
	type AuditRecord,
	type Steer,
	type Steerer
} from '../protocol';
import { appendAudit } from '../audit';

const encoder = new TextEncoder();

/** The dialect an order goes out in: the orchestrator's when the agent speaks it, else Volta's. */
export type SteerDialect = 'seed' | 'volta';

export function dialectFor(dialects: readonly string[]): SteerDialect | null {
	if (dialects.includes('seed')) return 'seed';
	if (dialects.includes('volta')) return 'volta';
	return null;
}

export interface SteerTarget {
	id: string;
	name: string;
	dialect: SteerDialect;
}

export class SteerError extends Error {
	override name = 'SteerError';
}

/** "Ada paused coder-1 (reason)": what the audit trail and the thread say. */
export function steerSummary(target: SteerTarget, steer: Steer, by: Steerer): string {
	const who = target.name === target.id ? target.id : `${target.name} (${target.id})`;
	const why = steer.reason?.trim() ? `: ${steer.reason.trim()}` : '';
	switch (steer.command) {
		case 'pause_agent':
			return `${by.name} paused ${who}${why}`;
		case 'resume_agent':
			return `${by.name} resumed ${who}${why}`;
		case 'stop_task':
			return `${by.name} stopped task ${steer.task?.trim()} of ${who}${why}`;
		case 'update_goal':
			return `${by.name} gave ${who} a new goal: ${steer.goal?.trim()}`;
	}
}

/**
 * Sends one order and records it. The server's acceptance comes first (a refusal leaves no record,
 * since nothing was done), then the record; a record that cannot be kept is reported, and says the
 * order went out.
 */
export async function steerAgent(
	nc: NatsConnection,
	target: SteerTarget,
	steer: Steer,
	by: Steerer,
	now = new Date()
): Promise<AuditRecord> {
	const problem = checkSteer(steer);
	if (problem) throw new SteerError(problem);
	const [subject, bytes] =
		target.dialect === 'seed'
			? [
					seedSubjects.direct(target.id, steer.command),
					encodeEnvelope(steeringEnvelope(target.id, steer, by, now))
				]
			: [
					voltaSubjects.message(target.id),
					encoder.encode(JSON.stringify(steeringCommandMessage(target.id, steer, by, now)))
				];
	try {
		await publishConfirmed(nc, subject, bytes);
	} catch (error) {
		throw new SteerError(
			`${STEERING_LABELS[steer.command]} was not sent: ${describeError(error)}. Ask whoever runs the server for the steering role, or ask someone who has it.`,
			{ cause: error }
		);
	}
	const record: AuditRecord = {
		action: 'steer',
		by,
		at: formatIsoTimestamp(now),
		agent: target.id,
		question: null,
		summary: steerSummary(target, steer, by),
		detail: {
			command: steer.command,
			dialect: target.dialect,
			subject,
			task: steer.task ?? null,
			goal: steer.goal ?? null,
			reason: steer.reason ?? null
		}
	};
	try {
		await appendAudit(nc, record);
	} catch (error) {
		throw new SteerError(`${record.summary}: sent, but ${describeError(error)}.`, { cause: error });
	}
	return record;
}

/** How long a ping waits for its pong. */
export const PING_TIMEOUT_MS = 5_000;

/**
 * The seed's ping as a request; resolves with the measured round trip once the pong (a full envelope
 * from that agent) comes back, and records it. Only agents that speak the orchestrator's dialect
 * answer pings: Volta's protocol has none.
 */
export async function pingAgent(
	nc: NatsConnection,
	target: SteerTarget,
	by: Steerer,
	options: { timeoutMs?: number; now?: () => number } = {}
): Promise<{ roundTripMs: number; record: AuditRecord }> {
	if (target.dialect !== 'seed') {
		throw new SteerError(
			`${target.name} speaks only Volta Shell’s protocol, which has no ping. Its heartbeats say it is there.`
		);
	}
	const clock = options.now ?? (() => performance.now());
	const envelope = createEnvelope({
		from: by.id,
		to: target.id,
		type: 'ping',
		content: {},
		correlationId: newCorrelationId(by.id)
	});
	const started = clock();
	let roundTripMs: number;
	try {
		const reply = await nc.request(seedSubjects.direct(target.id, 'ping'), encodeEnvelope(envelope), {
			timeout: options.timeoutMs ?? PING_TIMEOUT_MS
		});
		roundTripMs = Math.round((clock() - started) * 10) / 10;
		const pong = decodeEnvelope(reply.data);
		if (!pong.ok || pong.envelope.message_type !== 'pong') {
			throw new SteerError(
				`${target.name} answered the ping with something that is not a pong${pong.ok ? ` (a ${pong.envelope.message_type})` : `: ${pong.reason}`}.`
			);
		}
	} catch (error) {
		if (error instanceof SteerError) throw error;
		throw new SteerError(
			isNoResponders(error)
				? `Nobody listens for pings to ${target.id}: it is not on the bus now, or does not answer pings.`
				: `${target.name} did not answer the ping (${describeError(error)}).`,
			{ cause: error }
		);
	}
	const record: AuditRecord = {
		action: 'ping',
		by,
		at: formatIsoTimestamp(new Date()),
		agent: target.id,
		question: null,
		summary: `${by.name} pinged ${target.name}: ${roundTripMs} ms`,
		detail: { round_trip_ms: roundTripMs }
	};
	try {
		await appendAudit(nc, record);
	} catch (error) {
		throw new SteerError(`${record.summary}, but ${describeError(error)}.`, { cause: error });
	}
	return { roundTripMs, record };
}
