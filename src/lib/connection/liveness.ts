/**
 * When a connection whose pings go unanswered is dead, and when it is only busy.
 *
 * A server answers a PING in order, behind everything it has already queued for the reader. A page
 * reading a backlog more slowly than it arrives (a flood on a slow machine) can have pings
 * unanswered for longer than a dead socket would, while messages keep coming. nats-core counts only
 * the pings; this also counts what was read in between, so a reader that is being sent messages is
 * never taken for a dead one and cut off, which would lose everything queued for it.
 */
export class PingWatch {
	/** What `received` was at the last ping; null before the first. */
	#receivedAtLastPing: number | null = null;

	/** `unanswered`: how many pings in a row may go unanswered over a silent socket before it is dead. */
	constructor(readonly unanswered = 2) {}

	/**
	 * Called as each ping is sent. `pendingPings` is nats-core's count (the unanswered ones and the one
	 * being sent); `received` is any count that grows with every message read (`stats().inMsgs`).
	 * True when the socket is dead: the pings are unanswered and nothing at all arrived since the last.
	 */
	isDead(pendingPings: number, received: number): boolean {
		const heard = this.#receivedAtLastPing === null || received !== this.#receivedAtLastPing;
		this.#receivedAtLastPing = received;
		return pendingPings > this.unanswered && !heard;
	}
}

/**
 * nats-core's own limit, raised so that `PingWatch` decides: kept only as a backstop, so a
 * connection whose pings go unanswered for 5 minutes while messages still arrive is dropped anyway.
 */
export const PINGS_OUT_BACKSTOP = 60;
