/**
 * The person's inbox: questions and blockers for them, live from the traffic feed and replayed from
 * JetStream, with claims (KV) and the write-once answers (a stream) seen live by every console.
 */
import {
	AlreadyAnsweredError,
	AlreadyClaimedError,
	AnswerNotRecordedError,
	openInbox,
	recordAnswer,
	recordClaim,
	releaseClaim,
	replayInbox,
	watchAnswers,
	watchClaims,
	type InboxStore
} from './inbox-store';
import { StorageError, isFinalFault, type ReplayedMessage } from '$lib/storage';
import {
	createAnswerEnvelope,
	createVoltaResponse,
	decode,
	encodeEnvelope,
	seedSubjects,
	voltaSubjects,
	type AgentIdentity,
	type AnswerRecord,
	type ClaimRecord,
	type HumanAnswer
} from '$lib/protocol';
import {
	addItems,
	itemFromMessage,
	viewInbox,
	withEntry,
	withoutEntry,
	type InboxFilter,
	type InboxItem,
	type Items
} from './inbox';
import type { BusConnection } from '$lib/connection/ui';
import { describeError } from '$lib/connection';
import type { TrafficFeed } from '$lib/traffic/ui';

export type InboxStatus =
	{ state: 'idle' | 'loading' } | { state: 'ready' } | { state: 'unavailable'; reason: string };

/** What happened to the last thing the person did on an item, shown next to it. */
export type ItemFeedback = { tone: 'ok' | 'error'; text: string };

/** How often opening the inbox's storage is tried when JetStream times out (a cluster electing leaders): about 30 s. */
const OPEN_ATTEMPTS = 8;
const RETRY = Symbol('retry');

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/**
 * A reply sent in the asker's last second may arrive after it gave up, and be lost: then the answer
 * goes to its durable answer subject instead.
 */
const REPLY_MARGIN_MS = 1_000;

export class InboxState {
	// Each map is replaced on change, never mutated.
	items = $state.raw<Items>(new Map());
	claims = $state.raw<ReadonlyMap<string, ClaimRecord>>(new Map());
	answers = $state.raw<ReadonlyMap<string, AnswerRecord>>(new Map());
	feedback = $state.raw<ReadonlyMap<string, ItemFeedback>>(new Map());
	/** Outcomes that outlive their item's card (an answer refused because someone else was first). */
	notices = $state.raw<string[]>([]);
	status = $state.raw<InboxStatus>({ state: 'idle' });
	filter = $state<InboxFilter>({ kind: '', text: '', unclaimed: false });

	view = $derived(viewInbox(this.items, this.claims, this.answers, this.filter));
	/** Every open item, whatever the filter: what the title's count and notifications are about. */
	openCount = $derived([...this.items.keys()].filter((key) => !this.answers.has(key)).length);
	/** Open items asked of this person by name (not of everyone or their team). */
	forMeCount = $derived(
		[...this.items.values()].filter((item) => item.audience === 'you' && !this.answers.has(item.key)).length
	);

	/**
	 * Calls `listener` once for each open item that arrives live (replayed ones do not: they are not
	 * news), as it arrives: two in one frame are two calls. Returns the function that stops it.
	 */
	onArrival(listener: (item: InboxItem) => void): () => void {
		this.#arrivals.add(listener);
		return () => this.#arrivals.delete(listener);
	}

	/** Whether an item is still waiting for an answer. */
	isOpen(key: string): boolean {
		return this.items.has(key) && !this.answers.has(key);
	}

	#bus: BusConnection;
	#feed: TrafficFeed;
	#arrivals = new Set<(item: InboxItem) => void>();
	#me: AgentIdentity | null = null;
	/** The storage once open (null when it is unavailable); actions wait for it. */
	#store: Promise<InboxStore | null> = Promise.resolve(null);
	#stops: Array<() => void> = [];
	#replayListeners = new Set<(batch: ReplayedMessage[]) => void>();
	/** Bumped by every start and stop, so a retry left over from an earlier start gives up. */
	#starts = 0;

	constructor(bus: BusConnection, feed: TrafficFeed) {
		this.#bus = bus;
		this.#feed = feed;
	}

	start(me: AgentIdentity): void {
		this.stop();
		this.#me = me;
		this.#stops.push(
			this.#feed.listen((entry) => {
				const item = itemFromMessage(entry.decoded, entry.subject, entry.reply, entry.receivedAt, me);
				if (!item) return;
				const isNew = !this.items.has(item.key);
				this.items = addItems(this.items, [item]);
				if (isNew && !this.answers.has(item.key)) for (const listener of this.#arrivals) listener(item);
			})
		);
		this.#store = this.#open(me);
		// Questions the stream kept while this page was cut off (a server restart, a dropped
		// network) are read again; items already here are not duplicated.
		this.#stops.push(
			this.#bus.onReconnect(() => {
				void this.#store.then((store) => store && this.#replay(me));
			})
		);
	}

	stop(): void {
		this.#starts += 1;
		for (const stop of this.#stops.splice(0)) stop();
		this.#store = Promise.resolve(null);
	}

	/** Calls `listener` with each batch of kept messages the inbox reads back (the roster folds them in). */
	onReplayed(listener: (batch: ReplayedMessage[]) => void): () => void {
		this.#replayListeners.add(listener);
		return () => this.#replayListeners.delete(listener);
	}

	claimOf(item: InboxItem): ClaimRecord | null {
		return this.claims.get(item.key) ?? null;
	}

	answerOf(item: InboxItem): AnswerRecord | null {
		return this.answers.get(item.key) ?? null;
	}

	async claim(item: InboxItem): Promise<void> {
		const me = this.#me;
		const store = await this.#requireStore(item);
		if (!me || !store) return;
		const record: ClaimRecord = {
			question_id: item.id,
			by: { id: me.id, name: me.name },
			at: new Date().toISOString()
		};
		try {
			await recordClaim(store, item.key, record);
			this.claims = withEntry(this.claims, item.key, record);
			this.#say(item, 'ok', 'You are on it: everyone else sees that.');
		} catch (error) {
			this.#say(
				item,
				'error',
				error instanceof AlreadyClaimedError
					? error.message
					: `Could not claim it: ${describeError(error)}. Try again.`
			);
		}
	}

	async release(item: InboxItem): Promise<void> {
		const store = await this.#requireStore(item);
		if (!store) return;
		try {
			await releaseClaim(store, item.key);
			this.claims = withoutEntry(this.claims, item.key);
			this.#say(item, 'ok', 'Released: someone else can take it.');
		} catch (error) {
			this.#say(item, 'error', `Could not release it: ${describeError(error)}. Try again.`);
		}
	}

	/**
	 * Answers once for everyone: the answer is recorded in KV only if none exists, then sent to the
	 * asker in its own format — as the reply to its request when there is one, and on its durable
	 * answer subject, so an asker that timed out or restarted still gets it.
	 */
	async answer(item: InboxItem, answer: HumanAnswer): Promise<boolean> {
		const me = this.#me;
		const store = await this.#requireStore(item);
		if (!me || !store) return false;
		const now = new Date();
		const record: AnswerRecord = {
			question_id: item.id,
			by: { id: me.id, name: me.name },
			at: now.toISOString(),
			answer,
			question: { from: item.from, kind: item.kind, text: item.text, subject: item.subject }
		};
		try {
			await recordAnswer(store.nc, item.key, record);
		} catch (error) {
			if (error instanceof AlreadyAnsweredError) {
				if (error.record) this.answers = withEntry(this.answers, item.key, error.record);
				// The card leaves the open list now, so say it where the person still looks.
				this.notices = [`“${item.text}”: ${error.message}`, ...this.notices].slice(0, 3);
			}

			this.#say(
				item,
				'error',
				error instanceof AlreadyAnsweredError || error instanceof AnswerNotRecordedError
					? error.message
					: `Could not record the answer: ${describeError(error)}. Nothing was sent; try again.`
			);
			return false;
		}
		this.answers = withEntry(this.answers, item.key, record);
		try {
			this.#deliver(item, answer, me, now);
			await this.#bus.flush();
			this.#say(item, 'ok', `Answer sent to ${item.from}.`);
		} catch (error) {
			this.#say(
				item,
				'error',
				`The answer is recorded, but sending it to ${item.from} failed: ${describeError(error)}.`
			);
		}
		return true;
	}

	/**
	 * Exactly one delivery per answer, so an asker that both requests and listens on its own subjects
	 * handles it once: the reply while the asker still waits on it (its stated timeout, else the
	 * seed's 5 s, less a second for the reply to travel), otherwise its durable answer subject, which
	 * the inbox stream keeps.
	 */
	#deliver(item: InboxItem, answer: HumanAnswer, me: AgentIdentity, now: Date) {
		const by = { id: me.id, name: me.name };
		if (item.origin.dialect === 'seed') {
			const bytes = encodeEnvelope(createAnswerEnvelope(item.origin.envelope, answer, by, now));
			const stillWaiting =
				item.reply !== null && item.waitsUntil !== null && now.getTime() <= item.waitsUntil - REPLY_MARGIN_MS;
			this.#bus.publish(stillWaiting ? item.reply! : seedSubjects.direct(item.from, 'answer'), bytes);
		} else {
			this.#bus.publish(
				voltaSubjects.message(item.from),
				json(createVoltaResponse(item.origin.message, answer, by, now))
			);
		}
	}

	/** The storage, waiting for it to open if a person acts on a card that arrived first. */
	async #requireStore(item: InboxItem): Promise<InboxStore | null> {
		const store = await this.#store;
		if (store) return store;
		const reason = this.status.state === 'unavailable' ? ` ${this.status.reason}` : '';
		this.#say(
			item,
			'error',
			`Answering needs JetStream on the server, so that two people never answer the same question.${reason}`
		);
		return null;
	}

	#say(item: InboxItem, tone: ItemFeedback['tone'], text: string) {
		this.feedback = withEntry(this.feedback, item.key, { tone, text });
	}

	/**
	 * Opens the storage and starts watching claims and answers, then replays the kept questions. A
	 * cluster that just lost a node answers JetStream calls only once it has elected new leaders, a
	 * few seconds later: a timeout is tried again, with a pause, before the inbox says it cannot.
	 */
	async #open(me: AgentIdentity): Promise<InboxStore | null> {
		const started = this.#starts;
		for (let attempt = 1; ; attempt++) {
			const store = await this.#openOnce(me, attempt === OPEN_ATTEMPTS);
			if (store !== RETRY) return store;
			await new Promise((resolve) => setTimeout(resolve, Math.min(attempt, 5) * 1_000));
			if (this.#starts !== started) return null;
		}
	}

	async #openOnce(me: AgentIdentity, last: boolean): Promise<InboxStore | null | typeof RETRY> {
		this.status = { state: 'loading' };
		try {
			const store = await openInbox(this.#bus.nats);
			// Each watcher is kept as soon as it runs: if the next one fails, a retry must not leave it behind.
			this.#stops.push(
				await watchClaims(store, (key, record) => {
					this.claims = record ? withEntry(this.claims, key, record) : withoutEntry(this.claims, key);
				})
			);
			this.#stops.push(
				await watchAnswers(store.nc, (key, record) => {
					if (!this.answers.has(key)) this.answers = withEntry(this.answers, key, record);
				})
			);
			void this.#replay(me);
			return store;
		} catch (error) {
			if (!last && !(await isFinalFault(error))) return RETRY;
			this.#unavailable(error);
			return null;
		}
	}

	async #replay(me: AgentIdentity) {
		try {
			// A batch at a time: a stream full of junk is read without holding it all, and the
			// questions among it show as they are found.
			await replayInbox(this.#bus.nats, (batch) => {
				const items: InboxItem[] = [];
				for (const m of batch) {
					const item = itemFromMessage(decode(m.subject, m.data), m.subject, null, m.at, me);
					if (item) items.push(item);
				}
				if (items.length) this.items = addItems(this.items, items);
				for (const listener of this.#replayListeners) listener(batch);
			});
			this.status = { state: 'ready' };
		} catch (error) {
			this.#unavailable(error);
		}
	}

	#unavailable(error: unknown) {
		const detail = describeError(error);
		this.status = {
			state: 'unavailable',
			reason:
				error instanceof StorageError
					? `Questions still arrive live, but cannot be kept or answered here. ${detail}`
					: `The inbox could not open its JetStream storage (${detail}). Questions still arrive live, but are not kept; start the server with JetStream (npm start does).`
		};
	}
}
