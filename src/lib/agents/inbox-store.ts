/**
 * Where questions, claims and answers live so nothing is lost and nobody answers twice: a JetStream
 * stream of the questions (and answers) themselves, and a KV bucket of claims and answers whose
 * `create` (write-if-absent) decides, on the server, who was first. Any NatsConnection.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { StreamConfig } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import {
	AnswerRecordSchema,
	ClaimRecordSchema,
	parseJson,
	type AnswerRecord,
	type ClaimRecord
} from '../protocol';
import { ensureStream, replicasFor, readStream, type ReplayedMessage } from './streams';

export const INBOX_STREAM = 'SWITCHBOARD_INBOX';
export const INBOX_BUCKET = 'switchboard_inbox';

/**
 * Questions and blockers of every audience, Volta messages (queries and their responses), and the
 * durable answers to askers (ids with up to two dots). Heartbeats are elsewhere: they cannot evict these.
 */
export const INBOX_SUBJECTS = [
	'orchestrator.broadcast.question',
	'orchestrator.broadcast.blocker',
	'orchestrator.agent.*.question',
	'orchestrator.agent.*.blocker',
	'orchestrator.team.*.question',
	'orchestrator.team.*.blocker',
	'orchestrator.agent.*.answer',
	'orchestrator.agent.*.*.answer',
	'orchestrator.agent.*.*.*.answer',
	'agent.broadcast',
	'agent.*.message',
	'agent.*.*.message'
];

const DAY_NS = 24 * 60 * 60 * 1_000_000_000;

export const INBOX_STREAM_CONFIG: Partial<StreamConfig> & { name: string } = {
	name: INBOX_STREAM,
	subjects: INBOX_SUBJECTS,
	max_age: 30 * DAY_NS,
	max_bytes: 256 * 1024 * 1024,
	max_msg_size: 1024 * 1024,
	description: 'Switchboard: questions and blockers for humans, and the answers to them'
};

/** Opens (creating on first use) the stream and the bucket. Throws when JetStream is off. */
export async function openInbox(nc: NatsConnection): Promise<KV> {
	await ensureStream(nc, INBOX_STREAM_CONFIG);
	// Loaded on first use, like JetStream: not needed before someone joins.
	const { Kvm } = await import('@nats-io/kv');
	return new Kvm(nc).create(INBOX_BUCKET, {
		history: 1,
		replicas: replicasFor(nc),
		max_bytes: 64 * 1024 * 1024,
		description: 'Switchboard: who claimed and who answered each question'
	});
}

export function replayInbox(nc: NatsConnection): Promise<ReplayedMessage[]> {
	return readStream(nc, INBOX_STREAM);
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

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** The answer recorded for a question, if any: how an asker that restarted finds out it was answered. */
export function readAnswer(kv: KV, key: string): Promise<AnswerRecord | null> {
	return readRecord<AnswerRecord>(kv, `${key}.answer`, AnswerRecordSchema);
}

/** Marks that a question was published, so an asker that restarts does not ask it twice. */
export async function markAsked(kv: KV, key: string, questionId: string): Promise<boolean> {
	try {
		await kv.create(`${key}.asked`, json({ question_id: questionId, at: new Date().toISOString() }));
		return true;
	} catch {
		return false;
	}
}

async function readRecord<T>(
	kv: KV,

	key: string,
	schema: { safeParse(v: unknown): { success: boolean; data?: T } }
) {
	const entry = await kv.get(key);
	if (!entry || entry.operation !== 'PUT') return null;
	const body = parseJson(entry.value);
	const parsed = body.ok ? schema.safeParse(body.value) : null;
	return parsed?.success ? (parsed.data as T) : null;
}

/** Writes the answer only if no answer exists: the server decides who was first, not timing. */
export async function recordAnswer(kv: KV, key: string, record: AnswerRecord): Promise<void> {
	try {
		await kv.create(`${key}.answer`, json(record));
	} catch (error) {
		const existing = await readRecord<AnswerRecord>(kv, `${key}.answer`, AnswerRecordSchema);
		if (existing || /wrong last sequence|exists/iu.test(String(error)))
			throw new AlreadyAnsweredError(existing);
		throw error;
	}
}

/** Claims a question unless someone else has; claiming your own claim again is fine. */
export async function recordClaim(kv: KV, key: string, record: ClaimRecord): Promise<void> {
	try {
		await kv.create(`${key}.claim`, json(record));
	} catch (error) {
		const existing = await readRecord<ClaimRecord>(kv, `${key}.claim`, ClaimRecordSchema);
		if (existing?.by.id === record.by.id) return;
		if (existing || /wrong last sequence|exists/iu.test(String(error)))
			throw new AlreadyClaimedError(existing);
		throw error;
	}
}

export async function releaseClaim(kv: KV, key: string): Promise<void> {
	await kv.delete(`${key}.claim`);
}

export type RecordChange =
	| { key: string; kind: 'claim'; record: ClaimRecord | null }
	| { key: string; kind: 'answer'; record: AnswerRecord | null };

/**
 * Calls `onChange` with every claim and answer now in the bucket, then with each change as it
 * happens. Records that do not parse are skipped: the bucket is as untrusted as the bus.
 */
export async function watchRecords(kv: KV, onChange: (change: RecordChange) => void): Promise<() => void> {
	const watcher = await kv.watch({ key: '>' });
	void (async () => {
		for await (const entry of watcher) {
			const match = /^(q_[0-9a-f]{16})\.(claim|answer)$/u.exec(entry.key);
			if (!match) continue;
			const [, key, kind] = match;
			if (entry.operation !== 'PUT') {
				onChange({ key, kind: kind as 'claim', record: null });
				continue;
			}
			const body = parseJson(entry.value);
			if (!body.ok) continue;
			if (kind === 'claim') {
				const parsed = ClaimRecordSchema.safeParse(body.value);
				if (parsed.success) onChange({ key, kind: 'claim', record: parsed.data });
			} else {
				const parsed = AnswerRecordSchema.safeParse(body.value);
				if (parsed.success) onChange({ key, kind: 'answer', record: parsed.data });
			}
		}
	})();
	return () => watcher.stop();
}
