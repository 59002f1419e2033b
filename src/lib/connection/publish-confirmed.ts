/**
 * A publish the server is known to have accepted. A plain publish is fire-and-forget: when the
 * server's permissions refuse it, the client hears `-ERR 'Permissions Violation'` later, on its status
 * stream. The server handles a client's protocol in order, so the refusal of a publish always comes
 * before the answer to the round trip sent after it: listening to the status stream across that round
 * trip tells for certain whether this publish was refused.
 */
import { errors, type NatsConnection, type Status } from '@nats-io/nats-core';

/** The status stream as the client makes it: a queued iterator that can be stopped. */
type StatusStream = AsyncIterable<Status> & { stop(): void };

/**
 * Publishes and waits for the server's round trip; rejects with the client's PermissionViolationError
 * when the server refused this subject (`describeError` says it in words).
 */
export async function publishConfirmed(nc: NatsConnection, subject: string, data: Uint8Array): Promise<void> {
	const statuses = nc.status() as StatusStream;
	let refused: Error | null = null;
	const watching = (async () => {
		for await (const status of statuses) {
			if (
				status.type === 'error' &&
				status.error instanceof errors.PermissionViolationError &&
				status.error.operation === 'publish' &&
				status.error.subject === subject
			)
				refused = status.error;
		}
	})();
	try {
		nc.publish(subject, data);
		await nc.flush();
	} finally {
		// Stopping lets the loop take what is queued (the refusal came before the flush's answer), then end.
		statuses.stop();
		await watching;
	}
	if (refused) throw refused;
}
