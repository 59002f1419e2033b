/** JetStream plumbing shared by presence history and the inbox: create on first use, read back. */
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type StreamConfig } from '@nats-io/jetstream';

export interface ReplayedMessage {
	subject: string;
	data: Uint8Array;
	/** When the server stored it. */
	at: number;
}

/** Creates a stream unless it exists; a stream that exists is left as its owner configured it. */
export async function ensureStream(
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
export async function readStream(nc: NatsConnection, stream: string): Promise<ReplayedMessage[]> {
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
