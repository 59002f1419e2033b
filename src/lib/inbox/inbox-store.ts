/**
 * Where questions, claims and answers live so nothing is lost and nobody answers twice: the
 * SWITCHBOARD_INBOX stream keeps the questions (and the answers sent to askers); the write-once
 * SWITCHBOARD_ANSWERS stream keeps the one answer that counts, which the server refuses to replace,
 * delete or purge; the switchboard_claims KV bucket keeps who is on what. Any NatsConnection. The
 * storage itself is provisioned by an admin (src/lib/storage); this module only uses it.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { KV } from '@nats-io/kv';
import { describeError } from '../connection';
import type { AnswerDelivery } from './inbox';
import {
	AnswerRecordSchema,
	ClaimRecordSchema,
	EscalationRecordSchema,
	HandoverRecordSchema,
	SnoozeRecordSchema,
	type EscalationRecord,
	type HandoverRecord,
	type SnoozeRecord,
	parseJson,
	questionKey,
	type AnswerRecord,
	type ClaimRecord
} from '../protocol';
import {
	ANSWERS_STREAM,
	ANSWER_SUBJECTS,
	CLAIMS_BUCKET,
	INBOX_STORAGE,
	INBOX_STREAM,
	READ_BATCH,
	answerSubject,
	forEachStored,
	loadJetStream,
	readStream,
	requireStorage,
	type ReplayedMessage
} from '../storage';

/** JetStream API error codes (nats-server's errors.json) that say "this subject already has its one message". */
const WRONG_LAST_SEQUENCE = 10071;
const STORE_FAILED = 10077;

export interface InboxStore {
	nc: NatsConnection;
	/** Claims and "asked" markers. */
	claims: KV;
}

/**
 * Checks the inbox's storage and opens it. Throws a StorageError that says what is missing or
 * different, and what to run, when it is not as Switchboard needs it: nothing is used silently.
 */
export async function openInbox(nc: NatsConnection): Promise<InboxStore> {
	await requireStorage(nc, INBOX_STORAGE);
	// Loaded on first use, like JetStream: not needed before someone joins.
	const { Kvm } = await import('@nats-io/kv');
	return { nc, claims: await new Kvm(nc).open(CLAIMS_BUCKET) };
}

/** Every kept question, a bounded batch at a time (a stream full of junk is never held at once). */
export function replayInbox(
	nc: NatsConnection,
	onBatch: (batch: ReplayedMessage[]) => void
): Promise<number> {
	return forEachStored(nc, INBOX_STREAM, undefined, onBatch);
}

/** The answers the stream keeps for one asker (its durable answer subject), oldest first. */
export function answersKeptFor(nc: NatsConnection, askerSubject: string): Promise<ReplayedMessage[]> {
	return readStream(nc, INBOX_STREAM, askerSubject);
}

/** Someone else got there first; `record` says who and what. */
export class AlreadyAnsweredError extends Error {
	override name = 'AlreadyAnsweredError';
	constructor(readonly record: AnswerRecord | null) {
		super(
			record
				? `${record.by.name} already answered this at ${record.at}: “${record.answer.text}”. Your answer was not sent.`
				: 'This question was already answered. Your answer was not sent.'
		);
	}
}

export class AlreadyClaimedError extends Error {
	override name = 'AlreadyClaimedError';
	constructor(readonly record: ClaimRecord | null) {
		super(record ? `${record.by.name} is already on it (since ${record.at}).` : 'Someone is already on it.');
	}
}

/** The server refused to keep an answer for another reason than a first one (say, the store is full). */
export class AnswerNotRecordedError extends Error {
	override name = 'AnswerNotRecordedError';
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/**
 * An answer record is trusted only if it parses and names the question its subject is for: a
 * record planted under one question's subject for another question is not that question's answer.
 */
export function answerRecordFrom(key: string, data: Uint8Array): AnswerRecord | null {
	const body = parseJson(data);
	const parsed = body.ok ? AnswerRecordSchema.safeParse(body.value) : null;
	if (!parsed?.success || questionKey(parsed.data.question.from, parsed.data.question_id) !== key)
		return null;
	return parsed.data;
}

/** The answer recorded for a question, if any: the first and only message on its subject. */
export async function readAnswer(nc: NatsConnection, key: string): Promise<AnswerRecord | null> {
	const { jetstreamManager } = await loadJetStream();
	const jsm = await jetstreamManager(nc);
	const stored = await jsm.streams.getMessage(ANSWERS_STREAM, { last_by_subj: answerSubject(key) });
	return stored ? answerRecordFrom(key, stored.data) : null;
}

/**
 * Writes the answer only if none exists. The stream refuses a second message on the subject
 * whatever the client sends; the expected-sequence header makes the refusal say so precisely.
 */
export async function recordAnswer(nc: NatsConnection, key: string, record: AnswerRecord): Promise<void> {
	const { jetstream, JetStreamApiError } = await loadJetStream();
	try {
		await jetstream(nc).publish(answerSubject(key), json(record), { expect: { lastSubjectSequence: 0 } });
	} catch (error) {
		if (!(error instanceof JetStreamApiError)) throw error;
		const existing = await readAnswer(nc, key).catch(() => null);
		if (error.code === WRONG_LAST_SEQUENCE || (error.code === STORE_FAILED && existing))
			throw new AlreadyAnsweredError(existing);
		throw new AnswerNotRecordedError(
			`The server did not keep the answer (${error.message}). Nothing was sent; ask the server's admin to run \`npx switchboard setup --check\`.`,
			{ cause: error }
		);
	}
}

/** How recording and sending one answer went, in a form a worker's message can carry. */
export type AnswerOutcome =
	| { kind: 'sent' }
	| { kind: 'already'; record: AnswerRecord | null }
	| { kind: 'not-recorded'; message: string }
	| { kind: 'failed'; message: string }
	| { kind: 'undelivered'; message: string };

/**
 * Writes the answer only if none exists, then sends it to the asker on the same connection, in
 * order after the record. Nothing is sent unless this answer is the one recorded.
 */
export async function recordAndDeliver(
	nc: NatsConnection,
	key: string,
	record: AnswerRecord,
	delivery: AnswerDelivery
): Promise<AnswerOutcome> {
	try {
		await recordAnswer(nc, key, record);
	} catch (error) {
		if (error instanceof AlreadyAnsweredError) return { kind: 'already', record: error.record };
		if (error instanceof AnswerNotRecordedError) return { kind: 'not-recorded', message: error.message };
		return { kind: 'failed', message: describeError(error) };
	}
	try {
		nc.publish(delivery.subject, delivery.data);
		await nc.flush();
		return { kind: 'sent' };
	} catch (error) {
		return { kind: 'undelivered', message: describeError(error) };
	}
}

/**
 * Marks that a question was published, so an asker that restarts does not ask it twice: true when
 * this asker marked it, false when it was marked before. Any other refusal (a bucket a flood filled)
 * throws in words: taking it for "already asked" would leave the question unasked and the asker
 * waiting forever.
 */
export async function markAsked(store: InboxStore, key: string, questionId: string): Promise<boolean> {
	const { JetStreamApiError } = await loadJetStream();
	try {
		await store.claims.create(
			`${key}.asked`,
			json({ question_id: questionId, at: new Date().toISOString() })
		);
		return true;
	} catch (error) {
		if (error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE) return false;
		throw new Error(
			`The server would not keep the mark that this question was asked (${describeError(error)}), so it was not asked. Ask the server's admin to run \`npx switchboard setup --check\`.`,
			{ cause: error }
		);
	}
}

async function readClaim(store: InboxStore, key: string): Promise<ClaimRecord | null> {
	const entry = await store.claims.get(`${key}.claim`);
	if (!entry || entry.operation !== 'PUT') return null;
	const body = parseJson(entry.value);
	const parsed = body.ok ? ClaimRecordSchema.safeParse(body.value) : null;
	return parsed?.success ? parsed.data : null;
}

/** Claims a question unless someone else has; claiming your own claim again is fine. */
export async function recordClaim(store: InboxStore, key: string, record: ClaimRecord): Promise<void> {
	const { JetStreamApiError } = await loadJetStream();
	try {
		await store.claims.create(`${key}.claim`, json(record));
	} catch (error) {
		const existing = await readClaim(store, key);
		if (existing?.by.id === record.by.id) return;
		if (existing || (error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE))
			throw new AlreadyClaimedError(existing);
		throw error;
	}
}

export async function releaseClaim(store: InboxStore, key: string): Promise<void> {
	await store.claims.delete(`${key}.claim`);
}

/**
 * Calls `onChange` with every claim now in the bucket, then with each change as it happens (null:
 * released). Records that do not parse are skipped: the bucket is as untrusted as the bus.
 */
export async function watchClaims(
	store: InboxStore,
	onChange: (key: string, record: ClaimRecord | null) => void,
	key = '*'
): Promise<() => void> {
	const watcher = await store.claims.watch({ key: `${key}.claim` });
	void (async () => {
		for await (const entry of watcher) {
			const match = /^(q_[0-9a-f]{16})\.claim$/u.exec(entry.key);
			if (!match) continue;
			if (entry.operation !== 'PUT') {
				onChange(match[1], null);
				continue;
			}
			const body = parseJson(entry.value);
			const parsed = body.ok ? ClaimRecordSchema.safeParse(body.value) : null;
			if (parsed?.success) onChange(match[1], parsed.data);
		}
	})();
	return () => watcher.stop();
}

/**
 * Calls `onAnswer` with every answer recorded so far (for one question, or all), then with each new
 * one as it is recorded. An ordered consumer: it picks up again by itself after a reconnect or a
 * cluster fail-over. Records that are not a valid answer to their subject's question are skipped.
 */
export async function watchAnswers(
	nc: NatsConnection,
	onAnswer: (key: string, record: AnswerRecord) => void,
	key?: string
): Promise<() => void> {
	const { jetstream } = await loadJetStream();
	const consumer = await jetstream(nc).consumers.get(ANSWERS_STREAM, {
		filter_subjects: key ? answerSubject(key) : ANSWER_SUBJECTS
	});
	const messages = await consumer.consume(READ_BATCH);
	void (async () => {
		for await (const m of messages) {
			const subjectKey = m.subject.slice(m.subject.lastIndexOf('.') + 1);
			const record = answerRecordFrom(subjectKey, m.data);
			if (record) onAnswer(subjectKey, record);
		}
	})();
	return () => void messages.close();
}

/** The routing records a question may have in the claims bucket, by the suffix of their key. */
export interface RoutingRecords {
	handover: HandoverRecord;
	snooze: SnoozeRecord;
	escalated: EscalationRecord;
}
export type RoutingKind = keyof RoutingRecords;

const ROUTING_SCHEMAS = {
	handover: HandoverRecordSchema,
	snooze: SnoozeRecordSchema,
	escalated: EscalationRecordSchema
} as const;

/** Hands a question to a colleague (replacing an earlier hand-over), or snoozes it for everyone. */
export async function putRouting<K extends 'handover' | 'snooze'>(
	store: InboxStore,
	kind: K,
	key: string,
	record: RoutingRecords[K]
): Promise<void> {
	await store.claims.put(`${key}.${kind}`, json(record));
}

/** Wakes a snoozed question early. */
export async function wakeSnoozed(store: InboxStore, key: string): Promise<void> {
	await store.claims.delete(`${key}.snooze`);
}

/**
 * Marks a question escalated unless another console already did: true when this one did (and so
 * tells the asker and re-notifies), false when it was escalated before.
 */
export async function markEscalated(
	store: InboxStore,
	key: string,
	record: EscalationRecord
): Promise<boolean> {
	const { JetStreamApiError } = await loadJetStream();
	try {
		await store.claims.create(`${key}.escalated`, json(record));
		return true;
	} catch (error) {
		if (error instanceof JetStreamApiError && error.code === WRONG_LAST_SEQUENCE) return false;
		throw error;
	}
}

/**
 * Calls `onChange` with every routing record of one kind in the bucket, then with each change (null:
 * removed). What does not parse is skipped: the bucket is as untrusted as the bus.
 */
export async function watchRouting<K extends RoutingKind>(
	store: InboxStore,
	kind: K,
	onChange: (key: string, record: RoutingRecords[K] | null) => void,
	key = '*'
): Promise<() => void> {
	const watcher = await store.claims.watch({ key: `${key}.${kind}` });
	const pattern = new RegExp(`^(q_[0-9a-f]{16})\\.${kind}$`, 'u');
	void (async () => {
		for await (const entry of watcher) {
			const match = pattern.exec(entry.key);
			if (!match) continue;
			if (entry.operation !== 'PUT') {
				onChange(match[1], null);
				continue;
			}
			const body = parseJson(entry.value);
			const parsed = body.ok ? ROUTING_SCHEMAS[kind].safeParse(body.value) : null;
			if (parsed?.success) onChange(match[1], parsed.data as RoutingRecords[K]);
		}
	})();
	return () => watcher.stop();
}
