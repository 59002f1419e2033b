/**
 * The live traffic of the bus: decoded once per message (and shared with the roster and inbox),
 * kept in a ring buffer of a chosen size, and published to the page at most once per frame.
 */
import { untrack } from 'svelte';
import { covers, isRoutineSubject, isValidPattern, TRAFFIC_SUBJECTS } from '$lib/protocol';

import type { BusConnection } from '$lib/connection/ui';
import { nextFrame, nextTask, type Schedule, type TaskScheduler } from './frame';
import { Ring } from './ring';
import { arrivedEntry, isFilterEmpty, matchesFilter, type TrafficEntry, type TrafficFilter } from './traffic';

export const CAPACITY_CHOICES = [1_000, 10_000, 100_000] as const;

/**
 * In a flood (this many messages in one frame, ~3,000 a second) the list is redrawn at most every
 * FLOOD_REDRAW_MS instead of every frame: nobody reads 3,000 lines a second, and each redraw is
 * layout, paint and raster the page (and, on a small machine, the server) then cannot spend taking
 * messages in. The list and its counts catch up on the first quiet frame.
 */
export const FLOOD_PER_FRAME = 50;
export const FLOOD_REDRAW_MS = 100;

/**
 * Routine traffic (heartbeats, status updates, task claims, announcements) is decoded in slices of
 * this long, between frames: a burst of 20,000 decoded at once held the page for over 100 ms, so
 * clicks and frames waited. Questions, blockers, answers and messages skip the queue: they are
 * decoded and shown as they arrive, however much routine traffic is waiting.
 */
export const DECODE_SLICE_MS = 8;
/**
 * Past this many routine messages waiting, new ones are decoded as they arrive again: more arrives
 * than the page can read, and the wait belongs in the socket (where the server's slow-consumer rules
 * apply), not in memory here.
 */
export const MOST_WAITING = 20_000;

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
	/** Subjects added since, whose subscription the server has not confirmed yet. */
	starting = $state.raw<ReadonlySet<string>>(new Set());
	/** Routine messages taken in but not yet decoded (the roster and the invalid count are behind by these). */
	decoding = $state(0);

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
	/** Routine messages waiting to be decoded, oldest first, from `#backlogHead` on. */
	#backlog: TrafficEntry[] = [];
	#backlogHead = 0;
	#decodeScheduled = false;
	#nextTask: TaskScheduler;
	/** Messages with a lower id arrived before the last clear, and no longer count. */
	#countsFrom = 1;

	constructor(
		bus: BusConnection,
		options: { limit?: number; schedule?: Schedule; clock?: () => number; nextTask?: TaskScheduler } = {}
	) {
		this.#bus = bus;
		this.capacity = options.limit ?? 10_000;
		this.#ring = new Ring<TrafficEntry>(this.capacity);
		this.#schedule = options.schedule ?? nextFrame;
		this.#clock = options.clock ?? (() => performance.now());
		this.#nextTask = options.nextTask ?? nextTask;
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
		// Until the server answers a round trip made after it, the subscription may not be there yet.
		this.starting = new Set([...this.starting, subject]);
		const confirmed = () => (this.starting = new Set([...this.starting].filter((s) => s !== subject)));
		this.#bus.flush().then(confirmed, confirmed);
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
		this.#countsFrom = this.#nextId;
		this.version += 1;
	}

	#subscribe(subject: string) {
		this.#unsubscribe.set(
			subject,
			this.#bus.subscribe(subject, (msg) => {
				const headers: Array<[string, string]> = [];
				if (msg.headers) for (const [key, values] of msg.headers) headers.push([key, values.join(', ')]);
				this.#receive(
					arrivedEntry(this.#nextId++, msg.subject, msg.data, msg.reply ?? null, Date.now(), headers),
					isRoutineSubject(msg.subject)
				);
			})
		);
	}

	/** Every message is listed in the order it came; routine ones are decoded in a later slice. */
	#receive(entry: TrafficEntry, routine: boolean) {
		this.#ring.push(entry);
		this.#seen += 1;
		if (routine && this.#backlog.length - this.#backlogHead < MOST_WAITING) {
			this.#backlog.push(entry);
			this.#scheduleDecode();
		} else this.#take(entry);
		this.#pendingCount += 1;
		this.#scheduleFlush();
	}

	/** Decodes a message and hands it to everyone listening (roster, inbox). */
	#take(entry: TrafficEntry) {
		for (const listener of this.#listeners) listener(entry);
		if (!entry.valid && entry.id >= this.#countsFrom) this.#invalidSeen += 1;
	}

	#scheduleDecode() {
		if (this.#decodeScheduled) return;
		this.#decodeScheduled = true;
		this.#nextTask(() => this.#decodeSlice());
	}

	#decodeSlice() {
		this.#decodeScheduled = false;
		const deadline = this.#clock() + DECODE_SLICE_MS;
		const backlog = this.#backlog;
		while (this.#backlogHead < backlog.length) {
			this.#take(backlog[this.#backlogHead++]);
			// The clock is read every 32 messages (about 0.2 ms of work), not for each.
			if ((this.#backlogHead & 31) === 0 && this.#clock() >= deadline) break;
		}
		if (this.#backlogHead === backlog.length) {
			this.#backlog = [];
			this.#backlogHead = 0;
		} else {
			// A bus that never lets the backlog empty must not keep what was read: drop the read part.
			if (this.#backlogHead >= 4_096) {
				this.#backlog = backlog.slice(this.#backlogHead);
				this.#backlogHead = 0;
			}
			this.#scheduleDecode();
		}
		this.#scheduleFlush();
	}

	#showDecoding(decoding: number) {
		this.decoding = decoding;
		this.invalid = this.#invalidSeen;
	}

	#scheduleFlush() {
		if (this.#scheduled) return;
		this.#scheduled = true;
		this.#schedule(() => this.#flush());
	}

	#flush() {
		this.#scheduled = false;
		const arrived = this.#pendingCount;
		const decoding = this.#backlog.length - this.#backlogHead;
		if (arrived === 0 && this.#behindBy === 0) {
			// Only decoding progressed: its count and the invalid count, not the list.
			this.#showDecoding(decoding);
			return;
		}
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
		this.#showDecoding(decoding);
		if (!this.paused) this.version += 1;
	}
}
