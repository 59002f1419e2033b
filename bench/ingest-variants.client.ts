/**
 * The in-browser half of `npm run bench:variants`: the raw @nats-io/nats-core client doing a little
 * more per message each time, in the page or in a dedicated Worker. Bundled by the runner; the same
 * bundle is the page's script and the Worker's.
 */
import { wsconnect } from '@nats-io/nats-core';
import { decode } from '../src/lib/protocol';

export type Work = 'count' | 'parse' | 'decode';
type Counter = { count: number; at: number };

const text = new TextDecoder();

/** Connects, subscribes to both seed roots, and does `work` per message; calls `ready` once subscribed. */
function consume(server: string, work: Work, ready: (counter: Counter) => void) {
	const counter: Counter = { count: 0, at: 0 };
	void wsconnect({ servers: server }).then(async (connection) => {
		for (const subject of ['orchestrator.>', 'agent.>'])
			connection.subscribe(subject, {
				callback: (_error, msg) => {
					if (work === 'parse') JSON.parse(text.decode(msg.data));
					else if (work === 'decode') decode(msg.subject, msg.data);
					counter.count += 1;
					counter.at = Date.now();
				}
			});
		await connection.flush();
		ready(counter);
	});
}

type Page = { __variant: string; __server: string; __bundle: string; __counter?: Counter };

if (typeof document === 'undefined') {
	// In the Worker: report the count to the page every 16 ms while it changes.
	const scope = self as unknown as { postMessage(message: unknown): void; onmessage: unknown };
	scope.onmessage = (event: MessageEvent<{ server: string; work: Work }>) =>
		consume(event.data.server, event.data.work, (counter) => {
			scope.postMessage('ready');
			let last = -1;
			setInterval(() => {
				if (counter.count === last) return;
				last = counter.count;
				scope.postMessage({ ...counter });
			}, 16);
		});
} else {
	const page = window as unknown as Page;
	const [where, work] = page.__variant.split(':') as ['page' | 'worker', Work];
	if (where === 'page') consume(page.__server, work, (counter) => (page.__counter = counter));
	else {
		const counter: Counter = { count: 0, at: 0 };
		const worker = new Worker(URL.createObjectURL(new Blob([page.__bundle], { type: 'text/javascript' })), {
			type: 'module'
		});
		worker.onmessage = (event: MessageEvent<'ready' | Counter>) => {
			if (event.data === 'ready') page.__counter = counter;
			else Object.assign(counter, event.data);
		};
		worker.postMessage({ server: page.__server, work });
	}
}
