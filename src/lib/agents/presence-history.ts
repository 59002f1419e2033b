/**
 * Presence kept in NATS itself, so a console opened later sees the roster at once: JetStream streams
 * capture the presence subjects of both dialects as they are published (no client writes them twice),
 * and a late joiner replays them. Created on first use; limits in docs/protocol.md §5.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type StreamConfig } from '@nats-io/jetstream';

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

export interface ReplayedMessage {
	subject: string;
	data: Uint8Array;
	/** When the server stored it. */
	at: number;
}

/** Creates a stream unless it exists; a stream that exists is left as its owner configured it. */
async function ensureStream(
	nc: NatsConnection,
	config: Partial<StreamConfig> & { name: string }
): Promise<void> {
	const jsm = await jetstreamManager(nc);
	try {
		await jsm.streams.info(config.name);
	} catch {
		await jsm.streams.add(config);
	}
}

/** Reads every message a stream holds now, oldest first, then stops. */
async function readAll(nc: NatsConnection, stream: string): Promise<ReplayedMessage[]> {
	const js = jetstream(nc);
	const consumer = await js.consumers.get(stream);
	const info = await consumer.info();
	if (info.num_pending === 0) return [];
	const messages: ReplayedMessage[] = [];
	const iterator = await consumer.consume({ max_messages: 1_000 });
	for await (const m of iterator) {
		messages.push({ subject: m.subject, data: m.data, at: m.time.getTime() });
		if (m.info.pending === 0) break;
	}
	await iterator.close();
	return messages;
}

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
		readAll(nc, ANNOUNCE_STREAM),
		readAll(nc, PRESENCE_STREAM)
	]);
	return [...announces, ...presence];
}
