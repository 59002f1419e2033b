/// <reference lib="webworker" />
/**
 * Answers recorded and delivered from a worker with a connection of its own. During a flood the
 * page's thread is busy reading traffic, and the server's acknowledgement of an answer's record
 * waited behind that traffic in the page's queue before the answer could go. Here it waits for
 * nothing: the page only hands over what the person chose.
 */
import { wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { connectOptionsFor, describeError, type SignIn } from '../connection';
import { recordAndDeliver, type AnswerOutcome } from './inbox-store';
import type { AnswerDelivery } from './inbox';
import type { AnswerRecord } from '../protocol';

export type CourierCommand =
	| { type: 'connect'; servers: string[]; name: string; signIn: SignIn }
	| { type: 'answer'; id: number; key: string; record: AnswerRecord; delivery: AnswerDelivery };

export type CourierEvent =
	| { type: 'up' }
	| { type: 'down' }
	| { type: 'unavailable'; message: string }
	| ({ type: 'answered'; id: number } & AnswerOutcome);

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

self.onmessage = async (event: MessageEvent<CourierCommand>) => {
	const command = event.data;
	if (command.type === 'connect') void connect(command);
	else if (!nc)
		post({ type: 'answered', id: command.id, kind: 'failed', message: 'the answer worker is not connected' });
	else
		post({
			type: 'answered',
			id: command.id,
			...(await recordAndDeliver(nc, command.key, command.record, command.delivery))
		});
};
