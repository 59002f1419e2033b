/// <reference lib="webworker" />
/**
 * The traffic view's connection, in a worker of its own: reading the socket and decoding routine
 * traffic here leaves the page's main thread to the page. The page's own connections keep presence,
 * the inbox and everything a person sends.
 */
import { wsconnect } from '@nats-io/nats-core';
import { connectOptionsFor, describeConnectionError } from '../connection';
import { TrafficTap, type TapCommand, type TapEvent } from './traffic-tap';

let tap: TrafficTap | null = null;

const post = (event: TapEvent, transfer: Transferable[] = []) =>
	(self as unknown as Worker).postMessage(event, transfer);

self.onmessage = async (event: MessageEvent<TapCommand>) => {
	const command = event.data;
	switch (command.type) {
		case 'connect':
			try {
				const nc = await wsconnect({
					...connectOptionsFor(command.servers, command.name, command.signIn),
					// As the page's: a socket gone silent is noticed after 2 unanswered pings.
					pingInterval: 5_000,
					maxPingOut: 2
				});
				tap = new TrafficTap(nc, post);
				post({ type: 'connected' });
			} catch (error) {
				post({ type: 'failed', reason: describeConnectionError(error, command.servers) });
			}
			break;
		case 'subscribe':
			tap?.subscribe(command.subjects, command.confirm);
			break;
		case 'unsubscribe':
			tap?.unsubscribe(command.subject);
			break;
		case 'keep':
			tap?.keep(command.capacity);
			break;
		case 'taken':
			tap?.taken();
			break;
		case 'close':
			await tap?.close();
			tap = null;
			self.close();
			break;
	}
};
