/**
 * Presence kept in NATS itself, so a console opened later sees the roster at once: JetStream streams
 * capture the presence subjects of both dialects as they are published (no client writes them twice),
 * and a late joiner replays them. Created on first use; limits in docs/protocol.md §5.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { StreamConfig } from '@nats-io/jetstream';
import { ensureStream, readStream, type ReplayedMessage } from './streams';

export const PRESENCE_STREAM = 'SWITCHBOARD_PRESENCE';
export const ANNOUNCE_STREAM = 'SWITCHBOARD_ANNOUNCE';

/** Heartbeats, status and work claims of both dialects: enough for the 90 s rule and more. */
export const PRESENCE_SUBJECTS = [
	'orchestrator.broadcast.heartbeat',
	'orchestrator.broadcast.status_update',
	'orchestrator.broadcast.task_assigned',
	'orchestrator.broadcast.task_complete',
	'orchestrator.broadcast.task_failed',
	'agent.*.status',
	'agent.*.heartbeat',
	'agent.*.*.status',
	'agent.*.*.heartbeat'
];

const MINUTE_NS = 60 * 1_000_000_000;

/** Heartbeats age out fast: ten minutes outlasts the 90 s rule and the 5 min offline mark. */
export const PRESENCE_STREAM_CONFIG: Partial<StreamConfig> & { name: string } = {
	name: PRESENCE_STREAM,
	subjects: PRESENCE_SUBJECTS,
	max_age: 10 * MINUTE_NS,
	max_bytes: 64 * 1024 * 1024,
	description: 'Switchboard: recent presence traffic, replayed by consoles that join later'
};

/** Volta agents announce once at start: keep announcements for a week. */
export const ANNOUNCE_STREAM_CONFIG: Partial<StreamConfig> & { name: string } = {
	name: ANNOUNCE_STREAM,
	subjects: ['agent.announce'],
	max_age: 7 * 24 * 60 * MINUTE_NS,
	max_msgs: 10_000,
	description: 'Switchboard: Volta Shell announcements, replayed by consoles that join later'
};

/**
 * Makes sure both streams exist. An agent calls this before it announces, so that even the first
 * announce on a fresh server is kept. Throws when JetStream is off or another stream owns the subjects.
 */
export async function ensurePresenceStreams(nc: NatsConnection): Promise<void> {
	await ensureStream(nc, ANNOUNCE_STREAM_CONFIG);
	await ensureStream(nc, PRESENCE_STREAM_CONFIG);
}

/**
 * Makes sure both streams exist, then returns what they hold, announcements first. Throws when
 * JetStream is off or the subjects belong to another stream: the caller shows that and goes on live.
 */
export async function replayPresence(nc: NatsConnection): Promise<ReplayedMessage[]> {
	await ensurePresenceStreams(nc);
	const [announces, presence] = await Promise.all([
		readStream(nc, ANNOUNCE_STREAM),
		readStream(nc, PRESENCE_STREAM)
	]);
	return [...announces, ...presence];
}
