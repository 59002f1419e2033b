/**
 * The benchmark's baseline, run in the browser: the raw @nats-io/nats-core client, subscribed to the
 * same subjects as the app, doing nothing but counting. It measures the client itself, so it is the
 * one place that uses it directly; it is not part of the app: `npm run bench` bundles it and adds it
 * to an idle app page (bench/run.ts), so it connects from the app's origin.
 */
import { wsconnect } from '@nats-io/nats-core';

const counter = { count: 0, at: 0, questions: 0, questionAt: 0 };
const bench = window as unknown as { __raw?: unknown; __rawFailed?: string; __rawServer: string };

wsconnect({ servers: bench.__rawServer }).then(
	(connection) => {
		for (const subject of ['orchestrator.>', 'agent.>']) {
			connection.subscribe(subject, {
				callback: (_error, msg) => {
					counter.count += 1;
					counter.at = Date.now();
					// Questions apart, so their delivery can be timed while a flood runs.
					if (msg.subject === 'orchestrator.broadcast.question') {
						counter.questions += 1;
						counter.questionAt = counter.at;
					}
				}
			});
		}
		bench.__raw = { counter, rtt: () => connection.rtt(), flush: () => connection.flush() };
	},
	(error: unknown) => (bench.__rawFailed = String(error))
);
