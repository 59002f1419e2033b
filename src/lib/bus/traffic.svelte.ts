/** The live traffic of the bus, decoded, batched to at most one update per frame, and bounded. */
import { TRAFFIC_SUBJECTS } from '$lib/protocol';
import type { BusConnection } from './connection.svelte';
import { prependBatch, toTrafficEntry, type TrafficEntry } from './traffic';

type Schedule = (flush: () => void) => void;

const nextFrame: Schedule = (flush) => {
	if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
	else setTimeout(flush, 16);
};

export class TrafficFeed {
	/** Newest first; replaced once per frame, never mutated. */
	entries = $state.raw<TrafficEntry[]>([]);
	/** Messages seen since the feed started, including those no longer kept. */
	total = $state(0);
	invalid = $state(0);

	#pending: TrafficEntry[] = [];
	#scheduled = false;
	#nextId = 1;
	/** Counted per message, published per frame. */
	#seen = 0;
	#invalidSeen = 0;
	#unsubscribe: Array<() => void> = [];
	#listeners = new Set<(entry: TrafficEntry) => void>();
	#bus: BusConnection;
	#limit: number;
	#schedule: Schedule;

	constructor(bus: BusConnection, options: { limit?: number; schedule?: Schedule } = {}) {
		this.#bus = bus;
		this.#limit = options.limit ?? 1_000;
		this.#schedule = options.schedule ?? nextFrame;
	}

	start(subjects: readonly string[] = TRAFFIC_SUBJECTS): void {
		this.stop();
		for (const subject of subjects) {
			this.#unsubscribe.push(
				this.#bus.subscribe(subject, (msg) => this.#receive(msg.subject, msg.data, msg.reply ?? null))
			);
		}
	}

	/**
	 * Calls `listener` with every message as it arrives, decoded once for everyone (roster, inbox):
	 * one subscription per subject, not one per feature.
	 */
	listen(listener: (entry: TrafficEntry) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	stop(): void {
		for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
	}

	clear(): void {
		this.entries = [];
		this.#pending = [];
		this.#seen = this.#invalidSeen = this.total = this.invalid = 0;
	}

	#receive(subject: string, data: Uint8Array, reply: string | null) {
		const entry = toTrafficEntry(this.#nextId++, subject, data, reply, Date.now());
		this.#pending.push(entry);
		// A hidden tab gets no animation frames: keep the backlog bounded too.
		if (this.#pending.length > this.#limit * 2) this.#pending = this.#pending.slice(-this.#limit);
		for (const listener of this.#listeners) listener(entry);
		this.#seen += 1;
		if (!entry.summary.valid) this.#invalidSeen += 1;
		if (!this.#scheduled) {
			this.#scheduled = true;
			this.#schedule(() => this.#flush());
		}
	}

	#flush() {
		this.#scheduled = false;
		const batch = this.#pending;
		this.#pending = [];
		if (batch.length === 0) return;
		this.entries = prependBatch(this.entries, batch, this.#limit);
		this.total = this.#seen;
		this.invalid = this.#invalidSeen;
	}
}
