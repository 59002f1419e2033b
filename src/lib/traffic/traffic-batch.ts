/**
 * Traffic read off the page (by the traffic worker) crosses to the page in batches: payloads back to
 * back in one transferred buffer, each message's fields in one typed array, its subjects once each.
 * Routine messages (heartbeats, status updates, task claims, announcements) are decoded where they
 * are read: the page gets the invalid count and the roster's sightings, compacted, and decodes a
 * routine message itself only if someone looks at its row. Everything else the page decodes as it
 * arrives, as before. Any runtime: the worker packs, the page unpacks, Node tests do both.
 */
import { decode, isRoutineSubject, isValid, summarize } from '../protocol';
import { compactSightings, sightingOf, type SightingFields } from '../roster';
import { arrivedEntry, KEPT_BYTES, packedEntry, type TrafficEntry } from './traffic';

/** A message as the worker's client hands it over. */
export interface TappedMessage {
	subject: string;
	reply: string | null;
	data: Uint8Array;
	headers: Array<[string, string]>;
	receivedAt: number;
}

/** A routine message's sighting as it crosses: its message named by its place in the batch. */
export type BatchSighting = SightingFields & {
	message: { at: number; subject: string; type: string; entry: number; preview?: string };
};

export interface TrafficBatch {
	/** Messages in it, in the order they came. */
	count: number;
	/** Routine messages read while the page was busy, beyond what its list keeps: counted, folded, not sent. */
	held: number;
	/** Routine messages (sent or held) that were not valid. */
	invalid: number;
	strings: string[];
	/** FIELDS numbers per message: subject, reply (-1: none), offset (-1: in `large`), length, size, arrival, routine. */
	fields: Float64Array;
	bytes: ArrayBuffer;
	/** Payloads over KEPT_BYTES, each in a buffer of its own (so small rows never pin a large one). */
	large: Array<[number, ArrayBuffer]>;
	headers: Array<[number, Array<[string, string]>]>;
	sightings: BatchSighting[];
}

const FIELDS = 7;

interface Pending {
	message: TappedMessage;
	routine: boolean;
	/** Its place in the batch being packed; -1 once left out. */
	index: number;
}

/**
 * Collects what the worker reads until the page is ready for more. While the page is busy, routine
 * messages beyond `keep` (the size of the page's list) are left out: the list would drop them
 * unseen. They are still counted, checked and folded into sightings. Nothing else is left out.
 */
export class TrafficBatcher {
	keep: number;
	#pending: Pending[] = [];
	#routinePending = 0;
	#urgent = false;
	#held = 0;
	#invalid = 0;
	#sightings: Array<{ sighting: BatchSighting; from: Pending }> = [];

	constructor(keep = 10_000) {
		this.keep = keep;
	}

	get size(): number {
		return this.#pending.length;
	}

	/** Whether something people wait on (not routine) is waiting. */
	get urgent(): boolean {
		return this.#urgent;
	}

	add(message: TappedMessage): void {
		const routine = isRoutineSubject(message.subject);
		const pending: Pending = { message, routine, index: -1 };
		this.#pending.push(pending);
		if (!routine) {
			this.#urgent = true;
			return;
		}
		this.#routinePending += 1;
		const decoded = decode(message.subject, message.data);
		if (!isValid(decoded)) this.#invalid += 1;
		const sighting = sightingOf(decoded, message.subject, message.receivedAt);
		if (sighting) {
			const { at, subject, type } = sighting.message;
			const crossing = sighting as unknown as BatchSighting;
			crossing.message = { at, subject, type, entry: -1 };
			this.#sightings.push({ sighting: crossing, from: pending });
		}
		if (this.#routinePending > this.keep + 4_096) this.#leaveOutOldRoutine();
		if (this.#sightings.length > 8_192) this.#compactSightings();
	}

	/** Everything collected, packed, and the buffers to transfer; null when there is nothing. */
	take(): { batch: TrafficBatch; transfer: ArrayBuffer[] } | null {
		if (this.#pending.length === 0 && this.#held === 0 && this.#sightings.length === 0) return null;
		const pending = this.#pending;
		// The list keeps only the newest `keep`: older routine messages are not sent.
		let routineToSkip = Math.max(0, this.#routinePending - this.keep);
		let held = this.#held;
		const strings: string[] = [];
		const stringIndex = new Map<string, number>();
		const intern = (text: string) => {
			let index = stringIndex.get(text);
			if (index === undefined) {
				index = strings.push(text) - 1;
				stringIndex.set(text, index);
			}
			return index;
		};
		let smallBytes = 0;
		let count = 0;
		for (const p of pending) {
			if (p.routine && routineToSkip > 0) {
				routineToSkip -= 1;
				held += 1;
				continue;
			}
			p.index = count++;
			if (p.message.data.length <= KEPT_BYTES) smallBytes += p.message.data.length;
		}
		const fields = new Float64Array(count * FIELDS);
		const bytes = new Uint8Array(smallBytes);
		const large: Array<[number, ArrayBuffer]> = [];
		const headers: Array<[number, Array<[string, string]>]> = [];
		let offset = 0;
		for (const p of pending) {
			if (p.index < 0) continue;
			const { subject, reply, data, receivedAt } = p.message;
			const at = p.index * FIELDS;
			fields[at] = intern(subject);
			fields[at + 1] = reply === null ? -1 : intern(reply);
			if (data.length <= KEPT_BYTES) {
				bytes.set(data, offset);
				fields[at + 2] = offset;
				offset += data.length;
			} else {
				fields[at + 2] = -1;
				large.push([p.index, data.slice().buffer]);
			}
			fields[at + 3] = Math.min(data.length, KEPT_BYTES);
			fields[at + 4] = data.length;
			fields[at + 5] = receivedAt;
			fields[at + 6] = p.routine ? 1 : 0;
			if (p.message.headers.length > 0) headers.push([p.index, p.message.headers]);
		}
		const sightings = compactSightings(this.#sightings.map(({ sighting }) => sighting));
		const from = new Map(this.#sightings.map(({ sighting, from }) => [sighting, from]));
		for (const sighting of sightings) {
			const source = from.get(sighting)!;
			sighting.message.entry = source.index;
			// Its row was not sent: the roster's preview is worked out here.
			if (source.index < 0)
				sighting.message.preview = summarize(
					decode(source.message.subject, source.message.data),
					() => ''
				).preview;
		}
		const batch: TrafficBatch = {
			count,
			held,
			invalid: this.#invalid,
			strings,
			fields,
			bytes: bytes.buffer,
			large,
			headers,
			sightings
		};
		this.#pending = [];
		this.#urgent = false;
		this.#routinePending = 0;
		this.#held = 0;
		this.#invalid = 0;
		this.#sightings = [];
		return { batch, transfer: [bytes.buffer, fields.buffer, ...large.map(([, buffer]) => buffer)] };
	}

	/** The page is behind: the oldest routine messages beyond what its list keeps are let go now. */
	#leaveOutOldRoutine() {
		let drop = this.#routinePending - this.keep;
		const kept: Pending[] = [];
		for (const p of this.#pending) {
			if (p.routine && drop > 0) {
				drop -= 1;
				this.#held += 1;
				this.#routinePending -= 1;
				// Its sighting stays; its row is gone, so its preview is worked out at packing.
				continue;
			}
			kept.push(p);
		}
		this.#pending = kept;
	}

	#compactSightings() {
		const kept = new Set(compactSightings(this.#sightings.map(({ sighting }) => sighting)));
		this.#sightings = this.#sightings.filter(({ sighting }) => kept.has(sighting));
	}
}

/** What the page makes of a batch: each message as its list keeps it, in order, and whether it is routine. */
export function unpackBatch(
	batch: TrafficBatch,
	firstId: number,
	receive: (entry: TrafficEntry, routine: boolean) => void
): TrafficEntry[] {
	const { fields, strings } = batch;
	const bytes = new Uint8Array(batch.bytes);
	const large = new Map(batch.large);
	const headers = new Map(batch.headers);
	const entries = new Array<TrafficEntry>(batch.count);
	for (let i = 0; i < batch.count; i++) {
		const at = i * FIELDS;
		const subject = strings[fields[at]];
		const reply = fields[at + 1] < 0 ? null : strings[fields[at + 1]];
		const receivedAt = fields[at + 5];
		const kept = headers.get(i) ?? [];
		const offset = fields[at + 2];
		const entry =
			offset < 0
				? arrivedEntry(firstId + i, subject, new Uint8Array(large.get(i)!), reply, receivedAt, kept)
				: packedEntry(
						firstId + i,
						subject,
						reply,
						fields[at + 4],
						receivedAt,
						bytes.subarray(offset, offset + fields[at + 3]),
						kept
					);
		entries[i] = entry;
		receive(entry, fields[at + 6] === 1);
	}
	return entries;
}
