/// <reference lib="webworker" />
/**
 * Answers recorded and delivered from a worker with a connection of its own. During a flood the
 * page's thread is busy reading traffic, and the server's acknowledgement of an answer's record
 * waited behind that traffic in the page's queue before the answer could go. Here it waits for
 * nothing: the page only hands over what the person chose.
 */
import { wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { connectOptionsFor, describeError, type SignIn } from '../connection';
import { AlreadyAnsweredError, AnswerNotRecordedError, recordAnswer } from './inbox-store';
import type { AnswerDelivery } from './inbox';
import type { AnswerRecord } from '../protocol';

export type CourierCommand =
	| { type: 'connect'; servers: string[]; name: string; signIn: SignIn }
	| { type: 'answer'; id: number; key: string; record: AnswerRecord; delivery: AnswerDelivery };

/** How one answer went: what `recordAnswer` threw, in a form a message can carry. */
export type CourierOutcome =
	| { kind: 'sent' }
	| { kind: 'already'; record: AnswerRecord | null }
	| { kind: 'not-recorded'; message: string }
	| { kind: 'failed'; message: string }
	| { kind: 'undelivered'; message: string };

export type CourierEvent =
	| { type: 'up' }
	| { type: 'down' }
	| { type: 'unavailable'; message: string }
	| ({ type: 'answered'; id: number } & CourierOutcome);

let nc: NatsConnection | null = null;

const post = (event: CourierEvent) => (self as unknown as Worker).postMessage(event);

async function connect(command: Extract<CourierCommand, { type: 'connect' }>) {
	try {
		nc = await wsconnect({
			...connectOptionsFor(command.servers, command.name, command.signIn),
			// Idle between answers, so unanswered pings mean a dead socket: noticed within 15 s, and
			// answers go from the page meanwhile.
			pingInterval: 5_000,
			maxPingOut: 2
		});
	} catch (error) {
		post({ type: 'unavailable', message: describeError(error) });
		return;
	}
	post({ type: 'up' });
	for await (const status of nc.status()) {
		if (status.type === 'disconnect' || status.type === 'staleConnection') post({ type: 'down' });
		else if (status.type === 'reconnect') post({ type: 'up' });
	}
}

async function answer(connection: NatsConnection, command: Extract<CourierCommand, { type: 'answer' }>) {
	try {
		await recordAnswer(connection, command.key, command.record);
	} catch (error) {
		if (error instanceof AlreadyAnsweredError) return { kind: 'already', record: error.record } as const;
		if (error instanceof AnswerNotRecordedError)
			return { kind: 'not-recorded', message: error.message } as const;
		return { kind: 'failed', message: describeError(error) } as const;
	}
	try {
		// On the connection that recorded it: in order after the record.
		connection.publish(command.delivery.subject, command.delivery.data);
		await connection.flush();
		return { kind: 'sent' } as const;
	} catch (error) {
		return { kind: 'undelivered', message: describeError(error) } as const;
	}
}

self.onmessage = async (event: MessageEvent<CourierCommand>) => {
	const command = event.data;
	if (command.type === 'connect') void connect(command);
	else if (!nc)
		post({ type: 'answered', id: command.id, kind: 'failed', message: 'the answer worker is not connected' });
	else post({ type: 'answered', id: command.id, ...(await answer(nc, command)) });
};
