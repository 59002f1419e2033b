/// <reference lib="webworker" />
/** The demo crew in its own worker: its own WebSocket connection, so it is a real peer on the bus. */
import { wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { connectOptionsFor, describeError, type SignIn } from '../connection';
import { DemoCrew } from './demo-crew';

export type CrewCommand = { type: 'start'; servers: string[]; signIn: SignIn } | { type: 'stop' };
export type CrewEvent =
	| { type: 'started'; members: Array<{ id: string; name: string }> }
	| { type: 'stopped' }
	| { type: 'error'; message: string };

let nc: NatsConnection | null = null;
let crew: DemoCrew | null = null;

const post = (event: CrewEvent) => (self as unknown as Worker).postMessage(event);

self.onmessage = async (event: MessageEvent<CrewCommand>) => {
	const command = event.data;
	try {
		if (command.type === 'start' && !crew) {
			nc = await wsconnect(connectOptionsFor(command.servers, 'switchboard demo crew', command.signIn));
			crew = new DemoCrew(nc, { kind: 'browser' });
			await crew.start();
			post({ type: 'started', members: crew.members.map(({ id, name }) => ({ id, name })) });
		} else if (command.type === 'stop') {
			await crew?.stop();
			await nc?.close();
			crew = null;
			nc = null;
			post({ type: 'stopped' });
		}
	} catch (error) {
		post({ type: 'error', message: describeError(error) });
	}
};
