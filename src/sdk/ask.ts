/**
 * Asking a human and waiting for the answer, the durable way: the question is kept in the inbox
 * stream, the answer is read from the write-once record the answering console writes before it
 * sends (the server keeps exactly one per question), and
 * from the asker's durable answer subject. Both survive the asker's reconnect; asking again with the
 * same `id` after a restart picks up where it left off instead of asking twice.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { answersKeptFor, markAsked, openInbox, readAnswer, watchAnswers, watchClaims } from '../lib/inbox';
import { QUESTION_LIMIT, StorageError } from '../lib/storage';
import {
	AnswerContentSchema,
	FieldsSchema,
	createEnvelope,
	decode,
	describeIssues,
	encodeEnvelope,
	newCorrelationId,
	questionKey,
	seedSubjects,
	type AgentIdentity,
	type AgentMessage,
	type AnswerRecord,
	type Fields,
	type FieldValues
} from '../lib/protocol';
import {
	AnswerRejectedError,
	AskTimeoutError,
	NoHumanOnlineError,
	QuestionTooLargeError,
	SwitchboardError
} from './errors';
import { afterDelay } from './timers';

export interface AskOptions {
	/** One-click answers offered to the human. */
	options?: string[];
	/** A flat form (see docs/protocol.md §6.1). */
	fields?: Fields;
	urgency?: 'low' | 'medium' | 'high';
	/** When the answer stops being useful; shown as a countdown. Also the default timeout. */
	deadline?: Date;
	context?: string | Record<string, unknown>;
	/** Ask one agent or person directly, or a team; by default everyone. */
	to?: string;
	team?: string;
	/**
	 * An idempotency key: the same agent (same agent id) asking again with the same id, say after a
	 * restart, keeps waiting for the same question. Another agent's question with this id is its own.
	 */
	id?: string;
	/** Give up after this long (the question stays in the inbox). Default: until the deadline, else forever. */
	timeoutMs?: number;
	/** Fail at once with NoHumanOnlineError when no person is online. */
	requireHuman?: boolean;
	signal?: AbortSignal;
	onProgress?: (event: AskProgress) => void;
}

export type AskProgress =
	| { type: 'humans'; online: Array<{ id: string; name: string }> }
	| { type: 'asked'; questionId: string; subject: string }
	| { type: 'resumed'; questionId: string }
	| { type: 'claimed'; by: { id: string; name: string } }
	| { type: 'released' }
	/** Something arrived on the answer subject that is not the recorded answer: not taken, only reported. */
	| { type: 'ignored'; reason: string };

export interface AskResult {
	questionId: string;
	answer: string;
	choice?: string;
	fields?: FieldValues;
	decision?: 'approve' | 'reject';
	by: { id: string; name: string };
	at: string;
	/** The ANSWER envelope as it was delivered, when the asker has it (always, unless the stream lost it). */
	envelope: AgentMessage | null;
}

export interface AskContext {
	nc: NatsConnection;
	identity: AgentIdentity;
	humansOnline: () => Promise<Array<{ id: string; name: string }>>;
}

function fromRecord(record: AnswerRecord, envelope: AgentMessage | null): AskResult {
	return {
		questionId: record.question_id,
		answer: record.answer.text,
		choice: record.answer.choice,
		fields: record.answer.fields,
		decision: record.answer.decision,
		by: record.by,
		at: record.at,
		envelope
	};
}

/** An ANSWER envelope for our question, as it arrived: what it says and who it says answered. */
interface AnswerEnvelope {
	envelope: AgentMessage;
	answer: string;
	by: string;
}

/**
 * Reads an ANSWER envelope for our question: null when it is not one, a reason when it is ours but
 * malformed (reported, never taken: an envelope alone decides nothing, the recorded answer does).
 */
function answerEnvelope(
	subject: string,
	data: Uint8Array,
	questionId: string
): AnswerEnvelope | { invalid: string } | null {
	const decoded = decode(subject, data);
	if (!decoded.ok || decoded.dialect !== 'seed' || decoded.envelope.message_type !== 'answer') return null;
	const content = decoded.envelope.content;
	if (content.question_id !== questionId) return null;
	const parsed = AnswerContentSchema.safeParse(content);
	if (!parsed.success)
		return { invalid: `a malformed answer to ${questionId}: ${describeIssues(parsed.error, content)}` };
	const by = content.answered_by as { id?: unknown } | undefined;
	return {
		envelope: decoded.envelope,
		answer: parsed.data.answer,
		by: typeof by?.id === 'string' ? by.id : decoded.envelope.from_agent
	};
}

/** Is this envelope the delivery of that record (same answer, same person)? */
const delivers = (candidate: AnswerEnvelope, record: AnswerRecord) =>
	candidate.answer === record.answer.text && candidate.by === record.by.id;

/** The envelope that delivered the recorded answer, from what the inbox stream kept for the asker. */
async function keptEnvelope(
	nc: NatsConnection,
	subject: string,
	questionId: string,
	record: AnswerRecord
): Promise<AgentMessage | null> {
	for (const m of (await answersKeptFor(nc, subject).catch(() => [])).reverse()) {
		const candidate = answerEnvelope(m.subject, m.data, questionId);
		if (candidate && 'envelope' in candidate && delivers(candidate, record)) return candidate.envelope;
	}
	return null;
}

/** How long an asker waits for a server that has none of the inbox's storage yet to be provisioned. */
const PROVISIONING_WAIT_MS = 15_000;

/**
 * Opens the inbox's storage. A server with none of it may be one `npm start` has just started and is
 * provisioning: an asker that waited for the server can connect in that moment. It waits a little
 * for that, and then says, in the StorageError, what to run.
 */
async function openInboxWhenProvisioned(nc: NatsConnection) {
	const deadline = Date.now() + PROVISIONING_WAIT_MS;
	for (;;) {
		try {
			return await openInbox(nc);
		} catch (error) {
			const nothingYet = error instanceof StorageError && error.reports.every((r) => r.outcome === 'missing');
			if (!nothingYet || Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
}

export async function ask(
	context: AskContext,
	question: string,
	options: AskOptions = {}
): Promise<AskResult> {
	const { nc, identity } = context;
	if (options.fields) {
		const fields = FieldsSchema.safeParse(options.fields);
		if (!fields.success) throw new TypeError(`fields: ${describeIssues(fields.error, options.fields)}`);
	}
	const store = await openInboxWhenProvisioned(nc);
	const questionId = options.id ?? newCorrelationId(identity.id);
	const key = questionKey(identity.id, questionId);
	const answerSubject = seedSubjects.direct(identity.id, 'answer');
	const settle = (result: AskResult) => {
		if (result.decision === 'reject') throw new AnswerRejectedError(result);
		return result;
	};
	const recorded = async (record: AnswerRecord, envelope?: AgentMessage) =>
		fromRecord(record, envelope ?? (await keptEnvelope(nc, answerSubject, questionId, record)));

	const already = await readAnswer(nc, key);
	if (already) return settle(await recorded(already));

	// Checked before anything is marked or sent: the inbox would not keep a bigger question.
	const subject = options.to
		? seedSubjects.direct(options.to, 'question')
		: options.team
			? seedSubjects.team(options.team, 'question')
			: seedSubjects.broadcast('question');
	const bytes = encodeEnvelope(
		createEnvelope({
			from: identity.id,
			to: options.to ?? null,
			type: 'question',
			content: {
				question,
				...(options.context !== undefined ? { context: options.context } : {}),
				...(options.urgency ? { urgency: options.urgency } : {}),
				...(options.options?.length ? { options: options.options } : {}),
				...(options.fields ? { fields: options.fields } : {}),
				...(options.deadline ? { deadline: options.deadline.toISOString() } : {})
			},
			correlationId: questionId
		})
	);
	if (bytes.length > QUESTION_LIMIT) throw new QuestionTooLargeError(bytes.length, QUESTION_LIMIT);

	const humans = await context.humansOnline();
	options.onProgress?.({ type: 'humans', online: humans });
	if (humans.length === 0 && options.requireHuman) throw new NoHumanOnlineError();

	const timeoutMs =
		options.timeoutMs ?? (options.deadline ? options.deadline.getTime() - Date.now() : undefined);
	const stops: Array<() => void> = [];
	const waiting = new Promise<AskResult>((resolve, reject) => {
		const finish = (result: AskResult) => {
			try {
				resolve(settle(result));
			} catch (error) {
				reject(error);
			}
		};
		const ignore = (reason: string) => options.onProgress?.({ type: 'ignored', reason });
		// 1. The envelope on our durable answer subject (core NATS resubscribes after a reconnect). It
		// is taken only when it delivers the recorded answer: an envelope nobody recorded is a forgery.
		const sub = nc.subscribe(answerSubject, {
			callback: (error, msg) => {
				if (error) return;
				const candidate = answerEnvelope(msg.subject, msg.data, questionId);
				if (!candidate) return;
				if ('invalid' in candidate) return ignore(`${candidate.invalid} (not taken)`);
				void readAnswer(nc, key)
					.then(async (record) => {
						if (record && delivers(candidate, record)) finish(await recorded(record, candidate.envelope));
						else
							ignore(
								`an answer to ${questionId} from ${candidate.envelope.from_agent} that is not the recorded answer (not taken)`
							);
					})
					.catch(() => undefined);
			}
		});
		stops.push(() => sub.unsubscribe());
		// 2. The write-once answer record, which the console writes before it sends; and claims, for
		// progress. Both watchers pick up again after a reconnect, so nothing given meanwhile is missed.
		void watchAnswers(
			nc,
			(_key, record) => {
				// Give the envelope a moment to arrive, so the result carries it.
				setTimeout(() => void recorded(record).then(finish), 300);
			},
			key
		)
			.then((stop) => stops.push(stop))
			.catch(reject);
		void watchClaims(
			store,
			(_key, claim) => options.onProgress?.(claim ? { type: 'claimed', by: claim.by } : { type: 'released' }),
			key
		)
			.then((stop) => stops.push(stop))
			.catch(reject);
		// After a reconnect the watcher's consumer may be gone with the old server, and the envelope
		// may have come while we were away: read the record itself, on reconnect and every few seconds.
		let checking = false;
		const check = async () => {
			if (checking || nc.isClosed()) return;
			checking = true;
			try {
				const record = await readAnswer(nc, key);
				if (record) finish(await recorded(record));
			} catch {
				// not reachable right now: the next reconnect or tick tries again
			} finally {
				checking = false;
			}
		};
		const poll = setInterval(() => void check(), 5_000);
		stops.push(() => clearInterval(poll));
		// Stopped with the ask: a long-lived agent that asks often must not pile up status listeners.
		const statuses = nc.status();
		stops.push(() => (statuses as { stop?: () => void }).stop?.());
		void (async () => {
			for await (const status of statuses) if (status.type === 'reconnect') void check();
		})();
		void nc
			.closed()

			.then(() =>
				reject(
					new SwitchboardError(
						`The connection closed before an answer came. The question stays in the inbox; ask again with id "${questionId}" to keep waiting.`
					)
				)
			);
		if (timeoutMs !== undefined)
			stops.push(afterDelay(timeoutMs, () => reject(new AskTimeoutError(questionId, timeoutMs))));
		if (options.signal) {
			const onAbort = () => reject(options.signal!.reason ?? new Error('The question was abandoned.'));
			options.signal.addEventListener('abort', onAbort, { once: true });
			stops.push(() => options.signal!.removeEventListener('abort', onAbort));
		}
	});

	// Awaited below; this keeps an early rejection (say, a bad reply during publishing) from going unhandled.
	waiting.catch(() => undefined);
	try {
		await nc.flush();
		if (await markAsked(store, key, questionId)) {
			nc.publish(subject, bytes);
			options.onProgress?.({ type: 'asked', questionId, subject });
		} else {
			options.onProgress?.({ type: 'resumed', questionId });
		}
		return await waiting;
	} finally {
		for (const stop of stops) stop();
	}
}
