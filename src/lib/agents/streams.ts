/** JetStream plumbing shared by presence history and the inbox: create on first use, read back. */
import type { NatsConnection } from '@nats-io/nats-core';
import type { StreamConfig } from '@nats-io/jetstream';

/**
 * JetStream is needed only once someone has joined: loading it on first use keeps it off the
 * page's first load (docs/benchmarks.md, bundle size).
 */
export const loadJetStream = () => import('@nats-io/jetstream');

export interface ReplayedMessage {
	subject: string;
	data: Uint8Array;
	/** When the server stored it. */
	at: number;
}

/**
 * How many copies Switchboard's streams and bucket keep: three on a cluster (nats/cluster/), so that
 * losing a node loses no question, claim or answer; one on a single server.
 */
export function replicasFor(nc: NatsConnection): number {
	return nc.info?.cluster ? 3 : 1;
}

/**
 * Creates a stream unless it exists. Our streams capture subjects that agents also use for
 * request/reply (`orchestrator.agent.{id}.question`), so they never acknowledge: with acks on, the
 * server would answer the asker's request with a PubAck before any human could. An existing stream
 * keeps its owner's limits, but gets `no_ack` if it lacks it.
 */
export async function ensureStream(
	nc: NatsConnection,
	config: Partial<StreamConfig> & { name: string }
): Promise<void> {
	const { jetstreamManager } = await loadJetStream();
	const jsm = await jetstreamManager(nc);
	let existing;
	try {
		existing = await jsm.streams.info(config.name);
	} catch {
		await jsm.streams.add({ ...config, no_ack: true, num_replicas: replicasFor(nc) });
		return;
	}
	if (!existing.config.no_ack) await jsm.streams.update(config.name, { ...existing.config, no_ack: true });
}

/** Reads every message a stream holds now (on one subject, if given), oldest first, then stops. */
export async function readStream(
	nc: NatsConnection,
	stream: string,
	filterSubject?: string
): Promise<ReplayedMessage[]> {
	const { jetstream } = await loadJetStream();
	const js = jetstream(nc);

	const consumer = await js.consumers.get(stream, filterSubject ? { filter_subjects: filterSubject } : {});

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
