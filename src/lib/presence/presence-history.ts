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
	readStream,
	requireStorage,
	type ReplayedMessage
} from '../storage';

/**
 * Returns what both streams hold, announcements first. Throws when JetStream is off, or a
 * StorageError (in words) when the streams are missing or not as Switchboard needs them: the caller
 * shows that and goes on live.
 */
export async function replayPresence(nc: NatsConnection): Promise<ReplayedMessage[]> {
	await requireStorage(nc, PRESENCE_STORAGE);
	const [announces, presence] = await Promise.all([
		readStream(nc, ANNOUNCE_STREAM),
		readStream(nc, PRESENCE_STREAM)
	]);
	return [...announces, ...presence];
}
