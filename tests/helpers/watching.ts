/** Small helpers for tests that watch a real bus from an agent's side. */
import type { Msg, NatsConnection } from '@nats-io/nats-core';

/** Polls until `check` is true; fails with what it was waiting for. */
export async function until(
	check: () => boolean | Promise<boolean>,
	what: string,
	timeoutMs = 10_000
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** Collects every message on `subject` until stopped. */
export function record(nc: NatsConnection, subject: string) {
	const messages: Msg[] = [];
	const sub = nc.subscribe(subject, {
		callback: (error, msg) => {
			if (!error) messages.push(msg);
		}
	});
	return {
		messages,
		json: () => messages.map((m) => ({ subject: m.subject, body: m.json<Record<string, unknown>>() })),
		stop: () => sub.unsubscribe()
	};
}
