/**
 * Presence kept in NATS itself, so a console opened later sees the roster at once: JetStream streams
 * capture the presence subjects of both dialects as they are published (no client writes them twice),
 * and a late joiner replays them. The streams are provisioned by the admin (src/lib/storage).
 */
import type { NatsConnection } from '@nats-io/nats-core';
import {
	ANNOUNCE_STREAM,
	PRESENCE_STORAGE,
	PRESENCE_STREAM,
	forEachStored,
	requireStorage,
	type ReplayedMessage
} from '../storage';

/**
 * Returns what both streams hold, announcements first. Throws when JetStream is off, or a
 * StorageError (in words) when the streams are missing or not as Switchboard needs them: the caller
 * shows that and goes on live.
 */
export async function replayPresence(nc: NatsConnection): Promise<ReplayedMessage[]> {
	const messages: ReplayedMessage[] = [];
	await replayPresenceInBatches(nc, (batch) => void messages.push(...batch));
	return messages;
}

/**
 * As `replayPresence`, a batch at a time, each waited for before the next: a console decodes each
 * batch in a turn of its own, with the page drawing in between (a busy bus keeps up to 64 MiB of
 * presence, and decoding it all at once held the page for a second). Returns how many there were.
 */
export async function replayPresenceInBatches(
	nc: NatsConnection,
	onBatch: (batch: ReplayedMessage[]) => void | Promise<void>
): Promise<number> {
	await requireStorage(nc, PRESENCE_STORAGE);
	// Announcements first: who an agent is, before what it has been doing.
	const announced = await forEachStored(nc, ANNOUNCE_STREAM, undefined, onBatch);
	return announced + (await forEachStored(nc, PRESENCE_STREAM, undefined, onBatch));
}
