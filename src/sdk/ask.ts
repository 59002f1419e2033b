/**
 * Asking a human and waiting for the answer, the durable way: the question is kept in the inbox
 * stream, the answer is read from the KV record the answering console writes before it sends, and
 * from the asker's durable answer subject. Both survive the asker's reconnect; asking again with the
 * same `id` after a restart picks up where it left off instead of asking twice.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { KV } from '@nats-io/kv';
import { answersKeptFor, markAsked, openInbox, readAnswer } from '../lib/agents/inbox-store';
import {
	AnswerContentSchema,
	AnswerRecordSchema,
	ClaimRecordSchema,
	FieldsSchema,
	createEnvelope,
	decode,
	describeIssues,
	encodeEnvelope,
	newCorrelationId,
	parseJson,
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
	InvalidReplyError,
	NoHumanOnlineError,
	SwitchboardError
} from './errors';

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
	/** An idempotency key: ask again with the same id (say, after a restart) to keep waiting. */
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
	| { type: 'released' };

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

/** Reads an ANSWER envelope for our question; throws InvalidReplyError when it is ours but malformed. */
function answerFromEnvelope(subject: string, data: Uint8Array, questionId: string): AskResult | null {
	const decoded = decode(subject, data);
	if (!decoded.ok || decoded.dialect !== 'seed' || decoded.envelope.message_type !== 'answer') return null;
	const content = decoded.envelope.content;
	if (content.question_id !== questionId) return null;
	const parsed = AnswerContentSchema.safeParse(content);
	if (!parsed.success) {
		throw new InvalidReplyError(
			`The answer to ${questionId} is malformed: ${describeIssues(parsed.error, content)}`
		);
	}
	const by = content.answered_by as { id?: unknown; name?: unknown } | undefined;
	const decision =
		content.decision === 'approve' || content.decision === 'reject' ? content.decision : undefined;
	return {
		questionId,
		answer: parsed.data.answer,
		choice: typeof content.choice === 'string' ? content.choice : undefined,
		fields: content.fields as FieldValues | undefined,
		decision,
		by: {
			id: typeof by?.id === 'string' ? by.id : decoded.envelope.from_agent,
			name: typeof by?.name === 'string' ? by.name : decoded.envelope.from_agent
		},
		at: decoded.envelope.timestamp,
		envelope: decoded.envelope
	};
}

async function keptEnvelope(
	nc: NatsConnection,
	subject: string,
	questionId: string
): Promise<AgentMessage | null> {
	for (const m of (await answersKeptFor(nc, subject).catch(() => [])).reverse()) {
		try {
			const result = answerFromEnvelope(m.subject, m.data, questionId);
			if (result) return result.envelope;
		} catch {
			// a malformed answer among the kept ones: the live path reported it; look further back
		}
	}
	return null;
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
	const kv: KV = await openInbox(nc);
	const questionId = options.id ?? newCorrelationId(identity.id);
	const key = questionKey(questionId);
	const answerSubject = seedSubjects.direct(identity.id, 'answer');
	const settle = (result: AskResult) => {
		if (result.decision === 'reject') throw new AnswerRejectedError(result);
		return result;
	};

	const already = await readAnswer(kv, key);
	if (already) return settle(fromRecord(already, await keptEnvelope(nc, answerSubject, questionId)));

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
		// 1. The envelope on our durable answer subject (core NATS resubscribes after a reconnect).
		const sub = nc.subscribe(answerSubject, {
			callback: (error, msg) => {
				if (error) return;
				try {
					const result = answerFromEnvelope(msg.subject, msg.data, questionId);
					if (result) finish(result);
				} catch (invalid) {
					reject(invalid);
				}
			}
		});
		stops.push(() => sub.unsubscribe());
		// 2. The KV records: claims for progress, and the answer, which a watcher re-reads after a
		// reconnect — so an answer given while we were away is not missed.
		void kv
			.watch({ key: `${key}.*` })
			.then((watcher) => {
				stops.push(() => watcher.stop());
				void (async () => {
					for await (const entry of watcher) {
						const body = entry.operation === 'PUT' ? parseJson(entry.value) : null;
						if (entry.key.endsWith('.claim')) {
							const claim = body?.ok ? ClaimRecordSchema.safeParse(body.value) : null;
							options.onProgress?.(
								claim?.success ? { type: 'claimed', by: claim.data.by } : { type: 'released' }
							);
						} else if (entry.key.endsWith('.answer') && body?.ok) {
							const record = AnswerRecordSchema.safeParse(body.value);
							if (!record.success) continue;
							// The console records before it sends: give the envelope a moment to arrive.
							await new Promise((r) => setTimeout(r, 300));
							finish(fromRecord(record.data, await keptEnvelope(nc, answerSubject, questionId)));
						}
					}
				})();
			})
			.catch(reject);
		// After a reconnect the watcher's consumer may be gone with the old server, and the envelope
		// may have come while we were away: read the record itself, on reconnect and every few seconds.
		let checking = false;
		const check = async () => {
			if (checking || nc.isClosed()) return;
			checking = true;
			try {
				const record = await readAnswer(kv, key);
				if (record) finish(fromRecord(record, await keptEnvelope(nc, answerSubject, questionId)));
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
		if (timeoutMs !== undefined) {
			const timer = setTimeout(
				() => reject(new AskTimeoutError(questionId, timeoutMs)),
				Math.max(0, timeoutMs)
			);
			stops.push(() => clearTimeout(timer));
		}
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
		if (await markAsked(kv, key, questionId)) {
			const subject = options.to
				? seedSubjects.direct(options.to, 'question')
				: options.team
					? seedSubjects.team(options.team, 'question')
					: seedSubjects.broadcast('question');
			const envelope = createEnvelope({
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
			});
			nc.publish(subject, encodeEnvelope(envelope));
			options.onProgress?.({ type: 'asked', questionId, subject });
		} else {
			options.onProgress?.({ type: 'resumed', questionId });
		}
		return await waiting;
	} finally {
		for (const stop of stops) stop();
	}
}
