/** Reading what Switchboard's streams keep, in bounded batches, on any NatsConnection. */
import { jetStreamRefusal } from '../connection';
import { NoRespondersError, PermissionViolationError, type NatsConnection } from '@nats-io/nats-core';
// provision.ts imports this module too, and uses it only inside functions: the cycle is harmless.
import { StorageError } from './provision';

const JETSTREAM_NOT_ENABLED_FOR_ACCOUNT = 10039;

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
	/** Its sequence in the stream. */
	seq: number;
}

/**
 * Each pull asks for at most this many bytes (nats.js takes a byte or a message count, not both). A reader that asked for everything at once was sent more
 * than the server lets a client have pending (64 MB) by a stream full of junk, and cut off as a slow
 * consumer; 4 MiB is more than the largest message the server accepts (1 MiB), so a batch always
 * holds at least one.
 */
export const READ_BATCH = { max_bytes: 4 * 1024 * 1024 } as const;
/** How many messages are handed over at once. */
const BATCH_MESSAGES = 512;
/** A replay that has had nothing for this long has read all there is. */
const IDLE_MS = 5_000;

/**
 * Reads every message a stream holds now (on one subject, if given), oldest first, handing them over
 * a batch at a time so a large stream is never held in memory at once; stops at the last message
 * that was there when it started (a flood going on meanwhile cannot keep it reading forever).
 * A batch handler that returns a promise is waited for before the next batch. Returns how many it read.
 */
export async function forEachStored(
	nc: NatsConnection,
	stream: string,
	filterSubject: string | undefined,
	onBatch: (batch: ReplayedMessage[]) => void | Promise<void>
): Promise<number> {
	const { jetstream, jetstreamManager } = await loadJetStream();
	const js = jetstream(nc);
	const jsm = await jetstreamManager(nc);
	const lastSeq = (await jsm.streams.info(stream)).state.last_seq;
	const consumer = await js.consumers.get(stream, filterSubject ? { filter_subjects: filterSubject } : {});
	if ((await consumer.info()).num_pending === 0) return 0;
	let read = 0;
	let batch: ReplayedMessage[] = [];
	// Pulls of at most READ_BATCH bytes, refilled as they are used up: never more pending than that.
	const messages = await consumer.consume(READ_BATCH);
	// Messages that aged out after num_pending was read never come: stop waiting for them. One timer,
	// looking at when the last message came (a timer reset per message was a fifth of reading 120,000).
	let lastArrival = Date.now();
	let idle: ReturnType<typeof setTimeout>;
	const watchIdle = () => {
		const quiet = Date.now() - lastArrival;
		if (quiet >= IDLE_MS) void messages.close();
		else idle = setTimeout(watchIdle, IDLE_MS - quiet);
	};
	idle = setTimeout(watchIdle, IDLE_MS);
	try {
		for await (const m of messages) {
			lastArrival = Date.now();
			const { streamSequence: seq, pending } = m.info;
			batch.push({ subject: m.subject, data: m.data, at: m.time.getTime(), seq });
			const done = pending === 0 || seq >= lastSeq;
			if (done || batch.length >= BATCH_MESSAGES) {
				read += batch.length;
				await onBatch(batch);
				batch = [];
			}
			if (done) break;
		}
	} finally {
		clearTimeout(idle);
		await messages.close();
	}
	if (batch.length) await onBatch(batch);
	return read + batch.length;
}

/** Reads every message a stream holds now, oldest first. For streams of bounded, small size. */
export async function readStream(
	nc: NatsConnection,
	stream: string,
	filterSubject?: string
): Promise<ReplayedMessage[]> {
	const messages: ReplayedMessage[] = [];
	await forEachStored(nc, stream, filterSubject, (batch) => void messages.push(...batch));
	return messages;
}

/**
 * The pause before trying storage again after a fault that may pass (`isFinalFault` false): a second
 * more for each try, up to 5 s between tries.
 */
export function pauseBeforeRetry(attempt: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, Math.min(attempt, 5) * 1_000));
}

/**
 * A failure that trying again will not mend: the storage is not as Switchboard needs it (said in
 * words), the server refused the permission, or JetStream is off. Anything else (no answer in
 * time, nobody answering yet, a 503 while a cluster elects leaders after losing a node) may well
 * pass in a moment.
 */
export function isFinalFault(error: unknown): boolean {
	const chain: unknown[] = [];
	for (let e: unknown = error; e instanceof Error && chain.length < 4; e = e.cause) chain.push(e);
	return chain.some(
		(e) =>
			e instanceof StorageError ||
			e instanceof PermissionViolationError ||
			// JetStream off: the server has no responder for its API, or it is off for the account.
			e instanceof NoRespondersError ||
			jetStreamRefusal(e)?.code === JETSTREAM_NOT_ENABLED_FOR_ACCOUNT
	);
}
