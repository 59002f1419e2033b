/** The traffic list as plain data: every message seen, decoded and summarised, newest first, bounded. */
import { decode, summarize, type Decoded, type MessageSummary } from '$lib/protocol';

export interface TrafficEntry {
	/** Arrival order in this page; keys the list. */
	id: number;
	subject: string;
	reply: string | null;
	size: number;
	receivedAt: number;
	decoded: Decoded;
	summary: MessageSummary;
}

const lossyText = new TextDecoder('utf-8');

export function toTrafficEntry(
	id: number,
	subject: string,
	data: Uint8Array,
	reply: string | null,
	receivedAt: number
): TrafficEntry {
	const decoded = decode(subject, data);
	// Only an invalid message needs its raw text, and only its head: a 1 MB payload is cut early.
	const summary = summarize(decoded, () => lossyText.decode(data.subarray(0, 4096)));
	return { id, subject, reply, size: data.length, receivedAt, decoded, summary };
}

/** Puts a batch (oldest first) in front of the list (newest first) and keeps at most `limit`. */
export function prependBatch(
	entries: readonly TrafficEntry[],
	batch: readonly TrafficEntry[],
	limit: number
): TrafficEntry[] {
	const newest = batch.length > limit ? batch.slice(batch.length - limit) : batch;
	const result = newest.slice().reverse();
	const keep = limit - result.length;
	for (let i = 0; i < keep && i < entries.length; i++) result.push(entries[i]);
	return result;
}
