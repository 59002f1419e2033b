/**
 * A person at a Switchboard console, for tests of the agents' side: the browser's own classes
 * (BusConnection, Participant, TrafficFeed, InboxState) over WebSocket, in Node.
 */
import type { Connector } from '../../src/lib/connection/ui';
import { BusConnection } from '../../src/lib/connection/ui';

import { InboxState } from '../../src/lib/inbox/ui';
import { Participant } from '../../src/lib/presence/ui';
import { TrafficFeed } from '../../src/lib/traffic/ui';
import type { InboxItem } from '../../src/lib/inbox';
import type { HumanAnswer } from '../../src/lib/protocol';
import { until } from './watching';

/**
 * `connector` swaps the browser's WebSocket for another transport. nats-core keeps one transport
 * factory per process, so a test that restarts the server must not mix WebSocket and TCP clients in
 * one process: a TCP client would then try to reconnect over WebSocket.
 */
export async function openHumanConsole(
	url: string | string[],
	name: string,
	connector?: Connector,
	profile: { team?: string; capabilities?: string[] } = {}
) {
	const bus = new BusConnection(connector);
	const participant = new Participant(bus);
	if (!(await participant.join({ servers: Array.isArray(url) ? url : [url], name, ...profile }))) {
		throw new Error(`The console could not join: ${JSON.stringify(bus.status)}`);
	}
	const feed = new TrafficFeed(bus, { schedule: (flush) => setTimeout(flush, 0) });
	const inbox = new InboxState(bus, feed);
	feed.start();
	inbox.start(participant.identity!);
	await until(() => inbox.status.state === 'ready', 'the inbox to open');
	return {
		bus,
		inbox,
		identity: participant.identity!,
		/** Waits for an open question whose text contains `text`. */
		async waitFor(text: string, timeoutMs = 10_000): Promise<InboxItem> {
			let found: InboxItem | undefined;
			await until(
				() => (found = inbox.view.open.find((item) => item.text.includes(text))) !== undefined,
				`the question "${text}"`,
				timeoutMs
			);
			return found!;
		},
		async answer(text: string, answer: HumanAnswer) {
			const item = await this.waitFor(text);
			if (!(await inbox.answer(item, answer)))
				throw new Error(`Answering failed: ${JSON.stringify(inbox.feedback.get(item.key))}`);
		},
		async close() {
			inbox.stop();
			feed.stop();
			await participant.leave();
		}
	};
}

export type HumanConsole = Awaited<ReturnType<typeof openHumanConsole>>;
