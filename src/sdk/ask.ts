/**
 * Asking a human and waiting for the answer, the durable way: the question is kept in the inbox
 * stream, the answer is read from the write-once record the answering console writes before it
 * sends (the server keeps exactly one per question), and
 * from the asker's durable answer subject. Both survive the asker's reconnect; asking again with the
 * same `id` after a restart picks up where it left off instead of asking twice.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import {
	answersKeptFor,
	markAsked,
	openInbox,
	readAnswer,
	watchAnswers,
	watchClaims,
	watchRouting,
	type InboxStore
} from '../lib/inbox';
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
	 * What the person who answers must handle (`deploy`, `databases`): consoles show the question "for
	 * you" to people who said they can help with it (docs/protocol.md §9.4).
	 */
	capability?: string | string[];
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
	/** Nobody answered in time: a console escalated it to everyone online (docs/protocol.md §9.6). */
	| { type: 'escalated'; waitedSeconds: number }
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

/** What the waiter needs to know of the question it waits for. */
interface Waiting {
	nc: NatsConnection;
	store: InboxStore;
	key: string;
	questionId: string;
	answerSubject: string;
	onProgress?: (event: AskProgress) => void;
	/** The result for a record (with the envelope that delivered it, when it came). */
	resultOf: (record: AnswerRecord, envelope?: AgentMessage) => Promise<AskResult>;
}

/**
 * Waits for one question's answer by every means at once, each of which survives a reconnect: the
 * envelope on the durable answer subject (taken only when it delivers the recorded answer), the
 * write-once record's watcher, a read of the record on reconnect and every few seconds, and claims
 * for progress. Ends on the first answer, the connection closing, the timeout or the caller's
 * signal; one AbortController stops every one of them.
 */
function waitForAnswer(w: Waiting, limits: { timeoutMs?: number; signal?: AbortSignal }) {
	const done = new AbortController();
	const onStop = (stop: () => void) => done.signal.addEventListener('abort', stop, { once: true });
	let settle!: { resolve: (result: AskResult) => void; reject: (error: unknown) => void };
	const result = new Promise<AskResult>((resolve, reject) => (settle = { resolve, reject }));
	const finish = (value: AskResult) => {
		if (done.signal.aborted) return;
		done.abort();
		settle.resolve(value);
	};
	const fail = (error: unknown) => {
		if (done.signal.aborted) return;
		done.abort();
		settle.reject(error);
	};
	const answered = (record: AnswerRecord, envelope?: AgentMessage) =>
		void w.resultOf(record, envelope).then(finish, fail);
	const ignore = (reason: string) => w.onProgress?.({ type: 'ignored', reason });

	// The envelope on the durable answer subject: an envelope nobody recorded is a forgery.
	const sub = w.nc.subscribe(w.answerSubject, {
		callback: (error, msg) => {
			if (error) return;
			const candidate = answerEnvelope(msg.subject, msg.data, w.questionId);
			if (!candidate) return;
			if ('invalid' in candidate) return ignore(`${candidate.invalid} (not taken)`);
			void readAnswer(w.nc, w.key)
				.then((record) => {
					if (record && delivers(candidate, record)) answered(record, candidate.envelope);
					else
						ignore(
							`an answer to ${w.questionId} from ${candidate.envelope.from_agent} that is not the recorded answer (not taken)`
						);
				})
				.catch(() => undefined);
		}
	});
	onStop(() => sub.unsubscribe());

	// The record, which the console writes before it sends (a moment later, so the result carries the
	// envelope too); claims for progress.
	const keep = (stop: () => void) => (done.signal.aborted ? stop() : onStop(stop));
	watchAnswers(w.nc, (_key, record) => onStop(afterDelay(300, () => answered(record))), w.key).then(
		keep,
		fail
	);
	watchClaims(
		w.store,
		(_key, claim) => w.onProgress?.(claim ? { type: 'claimed', by: claim.by } : { type: 'released' }),
		w.key
	).then(keep, fail);
	watchRouting(
		w.store,
		'escalated',
		(_key, escalation) => {
			if (escalation) w.onProgress?.({ type: 'escalated', waitedSeconds: escalation.waited_seconds });
		},
		w.key
	).then(keep, fail);

	// After a reconnect the watcher's consumer may be gone with the old server, and the envelope may
	// have come while we were away: read the record itself, on reconnect and every few seconds.
	let reading = false;
	const readRecord = async () => {
		if (reading || w.nc.isClosed() || done.signal.aborted) return;
		reading = true;
		try {
			const record = await readAnswer(w.nc, w.key);
			if (record) answered(record);
		} catch {
			// not reachable right now: the next reconnect or tick tries again
		} finally {
			reading = false;
		}
	};
	const poll = setInterval(() => void readRecord(), 5_000);
	onStop(() => clearInterval(poll));
	// Stopped with the wait: a long-lived agent that asks often must not pile up status listeners.
	const statuses = w.nc.status();
	// nats-core's status iterator has stop(); its type shows only AsyncIterable.
	onStop(() => (statuses as { stop?: () => void }).stop?.());
	void (async () => {
		for await (const status of statuses) if (status.type === 'reconnect') void readRecord();
	})();

	void w.nc
		.closed()
		.then(() =>
			fail(
				new SwitchboardError(
					`The connection closed before an answer came. The question stays in the inbox; ask again with id "${w.questionId}" to keep waiting.`
				)
			)
		);
	const { timeoutMs, signal } = limits;
	if (timeoutMs !== undefined)
		onStop(afterDelay(timeoutMs, () => fail(new AskTimeoutError(w.questionId, timeoutMs))));
	signal?.addEventListener('abort', () => fail(signal.reason ?? new Error('The question was abandoned.')), {
		once: true,
		signal: done.signal
	});

	// Awaited by the asker; this keeps an early failure (say, while publishing) from going unhandled.
	result.catch(() => undefined);
	return { result, stop: () => done.abort() };
}

/** `capability` for one, `capabilities` for several, nothing for none. */
function capabilityField(capability: string | string[] | undefined): Record<string, unknown> {
	const list = (Array.isArray(capability) ? capability : [capability]).filter(
		(c): c is string => typeof c === 'string' && c.trim() !== ''
	);
	if (list.length === 0) return {};
	return list.length === 1 ? { capability: list[0] } : { capabilities: list };
}

/** The question as the seed's agents send it, on its subject. */
function questionMessage(identity: AgentIdentity, question: string, questionId: string, options: AskOptions) {
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
				...(options.deadline ? { deadline: options.deadline.toISOString() } : {}),
				...capabilityField(options.capability)
			},
			correlationId: questionId
		})
	);
	return { subject, bytes };
}

/** A declined question or rejected blocker is an error to the asker; anything else is the answer. */
function settled(result: AskResult): AskResult {
	if (result.decision === 'reject') throw new AnswerRejectedError(result);
	return result;
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
	const resultOf = async (record: AnswerRecord, envelope?: AgentMessage) =>
		fromRecord(record, envelope ?? (await keptEnvelope(nc, answerSubject, questionId, record)));

	const already = await readAnswer(nc, key);
	if (already) return settled(await resultOf(already));

	// Checked before anything is marked or sent: the inbox would not keep a bigger question.
	const { subject, bytes } = questionMessage(identity, question, questionId, options);
	if (bytes.length > QUESTION_LIMIT) throw new QuestionTooLargeError(bytes.length, QUESTION_LIMIT);

	const humans = await context.humansOnline();
	options.onProgress?.({ type: 'humans', online: humans });
	if (humans.length === 0 && options.requireHuman) throw new NoHumanOnlineError();

	// Waiting starts before the question goes out, so an answer given at once is not missed.
	const timeoutMs =
		options.timeoutMs ?? (options.deadline ? options.deadline.getTime() - Date.now() : undefined);
	const waiter = waitForAnswer(
		{ nc, store, key, questionId, answerSubject, onProgress: options.onProgress, resultOf },
		{ timeoutMs, signal: options.signal }
	);
	try {
		await nc.flush();
		if (await markAsked(store, key, questionId)) {
			nc.publish(subject, bytes);
			options.onProgress?.({ type: 'asked', questionId, subject });
		} else {
			options.onProgress?.({ type: 'resumed', questionId });
		}
		return settled(await waiter.result);
	} finally {
		waiter.stop();
	}
}
