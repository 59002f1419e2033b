/** The traffic list as plain data: every message seen, decoded and summarised, newest first, bounded. */
import { decode, isValid, subjectMatches, summarize, type Decoded, type MessageSummary } from '../protocol';

/** How much of a payload is kept for the detail view: enough for any real envelope, bounded for 1 MB floods. */
export const KEPT_BYTES = 64 * 1024;

export interface TrafficEntry {
	/** Arrival order in this page; keys the list. */
	readonly id: number;
	readonly subject: string;
	readonly reply: string | null;
	readonly size: number;
	readonly receivedAt: number;
	readonly decoded: Decoded;
	/** Valid in both senses the summary gives: decoded, and content of the documented shape. */
	readonly valid: boolean;
	/** The line a list shows; worked out the first time it is read (most messages never are). */
	readonly summary: MessageSummary;
	/** The payload's first KEPT_BYTES bytes (a copy: the client's read buffer is not pinned). */
	readonly data: Uint8Array;
	readonly headers: Array<[string, string]>;
}

const lossyText = new TextDecoder('utf-8');

/**
 * Copies of small payloads, packed into shared slabs: one `slice()` per message allocated a buffer
 * each. A slab is never reused, only dropped, so a kept copy never changes; a full slab is freed by
 * the garbage collector once the ring has let go of every message in it.
 */
const SLAB_BYTES = 256 * 1024;
const SLABBED_UP_TO = 8 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

function keptCopy(data: Uint8Array): Uint8Array {
	const kept = data.length > KEPT_BYTES ? data.subarray(0, KEPT_BYTES) : data;
	if (kept.length > SLABBED_UP_TO) return kept.slice();
	if (slabUsed + kept.length > SLAB_BYTES) {
		slab = new Uint8Array(SLAB_BYTES);
		slabUsed = 0;
	}
	const copy = slab.subarray(slabUsed, slabUsed + kept.length);
	copy.set(kept);
	slabUsed += kept.length;
	return copy;
}

/**
 * A message as the list keeps it. It is decoded the first time anything reads it: at once for what
 * people wait on, in slices between frames for routine traffic (TrafficFeed), and never twice.
 */
class LazyEntry implements TrafficEntry {
	#decoded: Decoded | null;
	#summary: MessageSummary | null = null;

	constructor(
		readonly id: number,
		readonly subject: string,
		readonly reply: string | null,
		readonly size: number,
		readonly receivedAt: number,
		decoded: Decoded | null,
		readonly data: Uint8Array,
		readonly headers: Array<[string, string]>
	) {
		this.#decoded = decoded;
	}

	get decoded(): Decoded {
		// The kept copy is the whole payload: anything longer was decoded when it arrived.
		return (this.#decoded ??= decode(this.subject, this.data));
	}

	get valid(): boolean {
		return isValid(this.decoded);
	}

	get summary(): MessageSummary {
		// Only an invalid message needs its raw text, and only its head: a 1 MB payload is cut early.
		return (this.#summary ??= summarize(this.decoded, () => lossyText.decode(this.data.subarray(0, 4096))));
	}
}

/** A message as the list keeps it, decoded now. */
export function toTrafficEntry(...message: Parameters<typeof arrivedEntry>): TrafficEntry {
	const entry = arrivedEntry(...message);
	void entry.decoded;
	return entry;
}

/**
 * A message as the list keeps it, decoded on first read. Its payload is copied now (the client
 * reuses its buffer); one longer than the kept copy is decoded now, from all of it.
 */
export function arrivedEntry(
	id: number,
	subject: string,
	data: Uint8Array,
	reply: string | null,
	receivedAt: number,
	headers: Array<[string, string]> = []
): TrafficEntry {
	return new LazyEntry(
		id,
		subject,
		reply,
		data.length,
		receivedAt,
		data.length > KEPT_BYTES ? decode(subject, data) : null,
		keptCopy(data),
		headers
	);
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
	if (filter.invalidOnly && entry.valid) return false;
	const s = entry.summary;
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
