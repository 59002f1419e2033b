/**
 * An agent's conversation with people, as plain data: its questions and blockers, the answers it
 * was sent, and direct messages both ways in either dialect, from live traffic and from what the
 * server keeps (the SWITCHBOARD_INBOX stream). Joined at read time with the answer records and the
 * audit trail. Pure: the page and the tests use it alike.
 */
import {
	parseTimestamp,
	seedQuestionId,
	voltaQuestionId,
	questionKey,
	type AnswerRecord,
	type AuditRecord,
	type Decoded
} from '../protocol';

/** The most a thread keeps per agent (the oldest go first). */
export const THREAD_LIMIT = 500;

export type ThreadKind = 'question' | 'blocker' | 'answer' | 'message' | 'answered' | 'action';

export interface ThreadEntry {
	/** The same message seen live and replayed is one entry. */
	id: string;
	at: number;
	kind: ThreadKind;
	from: string;
	/** Who it was for: an agent or person id, a team, or null for everyone. */
	to: string | null;
	text: string;
	/** For a question or blocker: its key (§6.4), which its answer record is filed under. */
	questionKey: string | null;
	/** For a question or blocker: the id an answer or a follow-up names. */
	questionId: string | null;
	/** The person who answered or acted, for an answer record or an audit record. */
	by: string | null;
}

/** Subjects that carry a conversation (as opposed to presence and work traffic). */
export function isConversationSubject(subject: string): boolean {
	if (subject === 'agent.broadcast') return true;
	if (subject.startsWith('agent.')) return subject.endsWith('.message');
	if (!subject.startsWith('orchestrator.')) return false;
	const type = subject.slice(subject.lastIndexOf('.') + 1);
	return type === 'question' || type === 'blocker' || type === 'answer';
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);

/** The entry a conversation message makes, or null (presence, work, or not readable). */
export function threadEntryOf(decoded: Decoded, subject: string, receivedAt: number): ThreadEntry | null {
	if (!decoded.ok || !isConversationSubject(subject)) return null;
	if (decoded.dialect === 'seed') {
		const { envelope } = decoded;
		const content = envelope.content;
		const at = parseTimestamp(envelope.timestamp)?.getTime() ?? receivedAt;
		const base = { from: envelope.from_agent, to: envelope.to_agent, at, by: null };
		const id = `seed ${envelope.from_agent} ${envelope.message_type} ${envelope.timestamp} ${envelope.correlation_id ?? ''}`;
		if (envelope.message_type === 'question' || envelope.message_type === 'blocker') {
			const said = text(envelope.message_type === 'question' ? content.question : content.blocker);
			if (!said) return null;
			const questionId = seedQuestionId(envelope);
			return {
				...base,
				id,
				kind: envelope.message_type,
				text: said,
				questionId,
				questionKey: questionKey(envelope.from_agent, questionId)
			};
		}
		if (envelope.message_type === 'answer') {
			const said = text(content.answer);
			if (!said) return null;
			const to = envelope.to_agent ?? (decoded.route.kind === 'seed.direct' ? decoded.route.agentId : null);
			const questionId = text(content.question_id);
			return { ...base, to, id, kind: 'answer', text: said, questionId, questionKey: null };
		}
		return null;
	}
	const { payload } = decoded;
	if (payload.kind !== 'message') return null;
	const message = payload.value;
	const said = text(message.message);
	if (!said) return null;
	const at = parseTimestamp(message.timestamp)?.getTime() ?? receivedAt;
	const questionId = message.type === 'query' ? voltaQuestionId(message) : null;
	return {
		id: `volta ${message.from} ${message.type} ${message.timestamp} ${said.length}`,
		at,
		kind: message.type === 'query' ? 'question' : message.type === 'response' ? 'answer' : 'message',
		from: message.from,
		to: message.to === 'all' ? null : message.to,
		text: said,
		questionId,
		questionKey: questionId ? questionKey(message.from, questionId) : null,
		by: null
	};
}

/** The agents a message belongs to the thread of: who sent it, and who it was sent to. */
export function partiesOf(entry: ThreadEntry): string[] {
	return entry.to && entry.to !== entry.from ? [entry.from, entry.to] : [entry.from];
}

/** Adds entries to a thread (oldest first), once each, keeping the newest THREAD_LIMIT. */
export function withEntries(thread: readonly ThreadEntry[], added: readonly ThreadEntry[]): ThreadEntry[] {
	const known = new Set(thread.map((e) => e.id));
	const fresh = added.filter((e) => !known.has(e.id) && (known.add(e.id), true));
	if (fresh.length === 0) return thread as ThreadEntry[];
	const next = [...thread, ...fresh].sort((a, b) => a.at - b.at);
	return next.length > THREAD_LIMIT ? next.slice(next.length - THREAD_LIMIT) : next;
}

/** An answer record for one of the agent's questions, as a thread entry ("Grace answered …"). */
export function answeredEntry(key: string, record: AnswerRecord): ThreadEntry {
	const edited = record.answer.edited ? ' (edited)' : '';
	return {
		id: `answered ${key}`,
		at: Date.parse(record.at),
		kind: 'answered',
		from: record.by.id,
		to: record.question.from,
		text: `${record.answer.text}${edited}`,
		questionId: record.question_id,
		questionKey: key,
		by: record.by.name
	};
}

/** An audit record about the agent, as a thread entry ("Ada paused coder-1"). */
export function actionEntry(record: AuditRecord): ThreadEntry {
	return {
		id: `action ${record.at} ${record.by.id} ${record.action}`,
		at: Date.parse(record.at),
		kind: 'action',
		from: record.by.id,
		to: record.agent,
		text: record.summary,
		questionId: null,
		questionKey: record.question,
		by: record.by.name
	};
}

/**
 * One agent's whole thread: its messages, the answer records of its questions (the record is who
 * answered; the envelope that carried it to the agent is left out, not shown twice), and what people
 * did to it. Oldest first.
 */
export function threadOf(
	agent: string,
	messages: readonly ThreadEntry[],
	answers: ReadonlyMap<string, AnswerRecord>,
	actions: readonly AuditRecord[]
): ThreadEntry[] {
	const recorded = new Set<string>();
	const entries: ThreadEntry[] = [];
	for (const [key, record] of answers)
		if (record.question.from === agent) {
			recorded.add(record.question_id);
			entries.push(answeredEntry(key, record));
		}
	for (const entry of messages)
		if (!(
			entry.kind === 'answer' &&
			entry.to === agent &&
			entry.questionId &&
			recorded.has(entry.questionId)
		))
			entries.push(entry);
	for (const record of actions) if (record.agent === agent) entries.push(actionEntry(record));
	return entries.sort((a, b) => a.at - b.at);
}

/**
 * Search within a thread: every word must appear in the text, who sent it, who answered or acted,
 * or its date (`2026-11-22`), whatever the case.
 */
export function searchThread(entries: readonly ThreadEntry[], query: string): ThreadEntry[] {
	const words = query.toLowerCase().split(/\s+/u).filter(Boolean);
	if (words.length === 0) return [...entries];
	return entries.filter((entry) => {
		const day = Number.isNaN(entry.at) ? '' : new Date(entry.at).toISOString().slice(0, 10);
		const haystack = [entry.text, entry.from, entry.to ?? '', entry.by ?? '', entry.kind, day]
			.join(' ')
			.toLowerCase();
		return words.every((word) => haystack.includes(word));
	});
}
