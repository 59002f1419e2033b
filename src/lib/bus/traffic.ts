/** The traffic list as plain data: every message seen, decoded and summarised, newest first, bounded. */
import { decode, subjectMatches, summarize, type Decoded, type MessageSummary } from '$lib/protocol';

/** How much of a payload is kept for the detail view: enough for any real envelope, bounded for 1 MB floods. */
export const KEPT_BYTES = 64 * 1024;

export interface TrafficEntry {
	/** Arrival order in this page; keys the list. */
	id: number;
	subject: string;
	reply: string | null;
	size: number;
	receivedAt: number;
	decoded: Decoded;
	summary: MessageSummary;
	/** The payload's first KEPT_BYTES bytes (a copy: the client's read buffer is not pinned). */
	data: Uint8Array;
	headers: Array<[string, string]>;
}

const lossyText = new TextDecoder('utf-8');

export function toTrafficEntry(
	id: number,
	subject: string,
	data: Uint8Array,
	reply: string | null,
	receivedAt: number,
	headers: Array<[string, string]> = []
): TrafficEntry {
	const decoded = decode(subject, data);
	// Only an invalid message needs its raw text, and only its head: a 1 MB payload is cut early.
	const summary = summarize(decoded, () => lossyText.decode(data.subarray(0, 4096)));
	return {
		id,
		subject,
		reply,
		size: data.length,
		receivedAt,
		decoded,
		summary,
		data: data.slice(0, KEPT_BYTES),
		headers
	};
}

export interface TrafficFilter {
	type?: string;
	from?: string;
	to?: string;
	/** A subject or NATS pattern (`orchestrator.agent.*.question`). */
	subject?: string;
	/** Anywhere in the line: type, sender, recipient, subject, preview, problem. */
	text?: string;
	invalidOnly?: boolean;
}

export function isFilterEmpty(filter: TrafficFilter): boolean {
	return (
		!filter.type &&
		!filter.from &&
		!filter.to &&
		!filter.subject?.trim() &&
		!filter.text?.trim() &&
		!filter.invalidOnly
	);
}

export function matchesFilter(entry: TrafficEntry, filter: TrafficFilter): boolean {
	const s = entry.summary;
	if (filter.invalidOnly && s.valid) return false;
	if (filter.type && s.type !== filter.type) return false;
	if (filter.from && !(s.from ?? '').toLowerCase().includes(filter.from.toLowerCase())) return false;
	if (filter.to && !(s.to ?? '').toLowerCase().includes(filter.to.toLowerCase())) return false;
	const subject = filter.subject?.trim();
	if (subject) {
		const matches = /[*>]/u.test(subject)
			? subjectMatches(subject, entry.subject)
			: entry.subject.includes(subject);
		if (!matches) return false;
	}
	const text = filter.text?.trim().toLowerCase();
	if (text) {
		const line = [s.type, s.from, s.to, entry.subject, s.preview, s.problem].join(' ').toLowerCase();
		if (!line.includes(text)) return false;
	}
	return true;
}
