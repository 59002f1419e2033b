/** A connection whose WebSocket went silent, given up on at once: the page's and the traffic worker's. */
import type { NatsConnection } from '@nats-io/nats-core';

/** How long a socket that stopped answering pings gets to close by itself before it is abandoned. */
const STALE_SOCKET_GRACE_MS = 1_000;

/**
 * nats-core reconnects after a stale connection only once the WebSocket reports itself closed, and
 * a browser waits up to a minute for the closing handshake of a socket whose peer went silent (a
 * dead proxy, a sleeping laptop's network). This reports the socket closed now; the browser finishes
 * closing it in the background. It reaches into nats-core's transport, so it checks every part it
 * uses and does nothing if they are not there (the resilience e2e test fails if recovery slows).
 */
export function abandonSilentSocket(nc: NatsConnection): void {
	type Transport = { socketClosed?: unknown; _cleanup?: unknown };
	// The transport of the connection that went stale, taken now: by the time the grace is over,
	// nats-core may be dialling on a new one, which must be left alone.
	const transport = (nc as unknown as { protocol?: { transport?: Transport } }).protocol?.transport;
	setTimeout(() => {
		if (!transport || transport.socketClosed !== false || typeof transport._cleanup !== 'function') return;
		(transport._cleanup as () => void).call(transport);
	}, STALE_SOCKET_GRACE_MS);
}
