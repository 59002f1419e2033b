/**
 * The live traffic of the bus: decoded once per message (and shared with the roster and inbox),
 * kept in a ring buffer of a chosen size, and published to the page at most once per frame.
 */
import { untrack } from 'svelte';
import { covers, isValidPattern, TRAFFIC_SUBJECTS } from '$lib/protocol';

import type { BusConnection } from '$lib/connection/ui';
import { nextFrame, type Schedule } from './frame';
import { Ring } from './ring';
import {
	isFilterEmpty,
	matchesFilter,
	toTrafficEntry,
	type TrafficEntry,
	type TrafficFilter
} from './traffic';

export const CAPACITY_CHOICES = [1_000, 10_000, 100_000] as const;

/**
 * In a flood (this many messages in one frame, ~3,000 a second) the list is redrawn at most every
 * FLOOD_REDRAW_MS instead of every frame: nobody reads 3,000 lines a second, and each redraw is
 * layout, paint and raster the page (and, on a small machine, the server) then cannot spend taking
 * messages in. The list and its counts catch up on the first quiet frame.
 */
export const FLOOD_PER_FRAME = 50;
export const FLOOD_REDRAW_MS = 100;

/** What the list shows: a count and random access, so a virtual list reads only the rows on screen. */
export interface TrafficRows {
	count: number;
	at(i: number): TrafficEntry | undefined;
}

export class TrafficFeed {
	/** Bumped once per frame that brought messages: what views depend on. */
	version = $state(0);
	/** Messages seen since the feed started, including those no longer kept. */
	total = $state(0);
	invalid = $state(0);
	capacity = $state(10_000);
	/** Subjects and patterns subscribed to; the two seed roots first. */
	subjects = $state.raw<string[]>([...TRAFFIC_SUBJECTS]);
	filter = $state<TrafficFilter>({ type: '', from: '', to: '', subject: '', text: '', invalidOnly: false });
	paused = $state(false);
	/** Messages that arrived since the view was paused. */
	arrivedWhilePaused = $state(0);
	/** True once the server has confirmed every subscription: from then on nothing sent is missed. */
	live = $state(false);

	/** The rows on show: everything kept (or the snapshot taken at pause), filtered. */
	rows: TrafficRows = $derived.by(() => {
		void this.version;
		const frozen = this.paused ? this.#frozen : null;
		if (isFilterEmpty(this.filter)) {
			if (frozen) return { count: frozen.length, at: (i: number) => frozen[i] };
			const ring = this.#ring;
			return { count: ring.size, at: (i: number) => ring.newest(i) };
		}
		const matching = (frozen ?? this.#ring.toArray()).filter((entry) => matchesFilter(entry, this.filter));
		return { count: matching.length, at: (i: number) => matching[i] };
	});

	#ring: Ring<TrafficEntry>;
	#frozen: TrafficEntry[] | null = null;
	#pendingCount = 0;
	#scheduled = false;
	#nextId = 1;
	#unsubscribe = new Map<string, () => void>();
	#listeners = new Set<(entry: TrafficEntry) => void>();
	/** Bumped by every start and stop, so a late confirmation of an old start changes nothing. */
	#generation = 0;
	#seen = 0;
	#invalidSeen = 0;
	#bus: BusConnection;
	#schedule: Schedule;
	#clock: () => number;
	/** When the list was last redrawn. */
	#redrawnAt = -Infinity;
	/** Messages taken in but not yet drawn (the list is behind while this is above 0). */
	#behindBy = 0;

	constructor(
		bus: BusConnection,
		options: { limit?: number; schedule?: Schedule; clock?: () => number } = {}
	) {
		this.#bus = bus;
		this.capacity = options.limit ?? 10_000;
		this.#ring = new Ring<TrafficEntry>(this.capacity);
		this.#schedule = options.schedule ?? nextFrame;
		this.#clock = options.clock ?? (() => performance.now());
	}

	/** Newest first: everything kept now (for tests and copying; the view uses `rows`). */
	get entries(): TrafficEntry[] {
		void this.version;
		return this.#ring.toArray();
	}

	/** Subscribes to the given subjects, or to those chosen so far. Safe to call from an effect. */
	start(subjects?: readonly string[]): void {
		this.stop();
		if (subjects) this.subjects = [...subjects];
		// Untracked: an effect that starts the feed must not re-run when the person adds a subject.
		for (const subject of untrack(() => this.subjects)) this.#subscribe(subject);
		// A round trip after the subscriptions: once the server answers it, it has them all.
		const generation = this.#generation;
		this.#bus.flush().then(
			() => {
				if (generation === this.#generation) this.live = true;
			},
			() => undefined
		);
	}

	stop(): void {
		this.#generation += 1;
		this.live = false;
		for (const unsubscribe of this.#unsubscribe.values()) unsubscribe();
		this.#unsubscribe.clear();
	}

	/** Adds a subject or pattern to watch; returns why not, in words, when it cannot. */
	addSubject(pattern: string): string | null {
		const subject = pattern.trim();
		if (!isValidPattern(subject)) {
			return `"${subject}" is not a subject: dot-separated tokens, * for one token, > only at the end.`;
		}
		const covering = this.subjects.find((existing) => covers(existing, subject));
		if (covering) return `${subject} is already shown: ${covering} covers it.`;
		this.subjects = [...this.subjects, subject];
		this.#subscribe(subject);
		return null;
	}

	removeSubject(subject: string): void {
		this.#unsubscribe.get(subject)?.();
		this.#unsubscribe.delete(subject);
		this.subjects = this.subjects.filter((s) => s !== subject);
	}

	/**
	 * Calls `listener` with every message as it arrives, decoded once for everyone (roster, inbox):
	 * one subscription per subject, not one per feature.
	 */
	listen(listener: (entry: TrafficEntry) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	setCapacity(capacity: number): void {
		this.#ring = this.#ring.resized(capacity);
		this.capacity = capacity;
		this.version += 1;
	}

	pause(): void {
		this.#frozen = this.#ring.toArray();
		this.arrivedWhilePaused = 0;
		this.paused = true;
	}

	resume(): void {
		this.paused = false;
		this.#frozen = null;
		this.arrivedWhilePaused = 0;
		this.version += 1;
	}

	clear(): void {
		this.#ring.clear();
		this.#frozen = this.paused ? [] : null;
		this.#seen = this.#invalidSeen = this.total = this.invalid = 0;
		this.version += 1;
	}

	#subscribe(subject: string) {
		this.#unsubscribe.set(
			subject,
			this.#bus.subscribe(subject, (msg) => {
				const headers: Array<[string, string]> = [];
				if (msg.headers) for (const [key, values] of msg.headers) headers.push([key, values.join(', ')]);
				this.#receive(
					toTrafficEntry(this.#nextId++, msg.subject, msg.data, msg.reply ?? null, Date.now(), headers)
				);
			})
		);
	}

	#receive(entry: TrafficEntry) {
		this.#ring.push(entry);
		for (const listener of this.#listeners) listener(entry);
		this.#seen += 1;
		if (!entry.valid) this.#invalidSeen += 1;

		this.#pendingCount += 1;
		this.#scheduleFlush();
	}

	#scheduleFlush() {
		if (this.#scheduled) return;
		this.#scheduled = true;
		this.#schedule(() => this.#flush());
	}

	#flush() {
		this.#scheduled = false;
		const arrived = this.#pendingCount;
		if (arrived === 0 && this.#behindBy === 0) return;
		this.#pendingCount = 0;
		const now = this.#clock();
		if (arrived >= FLOOD_PER_FRAME && now - this.#redrawnAt < FLOOD_REDRAW_MS) {
			// Flooding and redrawn moments ago: stay behind, and look again next frame.
			this.#behindBy += arrived;
			this.#scheduleFlush();
			return;
		}
		if (this.paused) this.arrivedWhilePaused += this.#behindBy + arrived;
		this.#behindBy = 0;
		this.#redrawnAt = now;
		this.total = this.#seen;
		this.invalid = this.#invalidSeen;
		if (!this.paused) this.version += 1;
	}
}
