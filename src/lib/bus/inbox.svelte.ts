/**
 * The person's inbox: questions and blockers for them, live from the traffic feed and replayed from
 * JetStream, with claims and answers kept in KV and seen live by every console.
 */
import type { KV } from '@nats-io/kv';
import {
	AlreadyAnsweredError,
	AlreadyClaimedError,
	openInbox,
	recordAnswer,
	recordClaim,
	releaseClaim,
	replayInbox,
	watchRecords
} from '$lib/agents/inbox-store';
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
} from '$lib/inbox/inbox';
import type { BusConnection } from './connection.svelte';
import type { TrafficFeed } from './traffic.svelte';

export type InboxStatus =
	{ state: 'idle' | 'loading' } | { state: 'ready' } | { state: 'unavailable'; reason: string };

/** What happened to the last thing the person did on an item, shown next to it. */
export type ItemFeedback = { tone: 'ok' | 'error'; text: string };

/** How often opening the inbox's storage is tried when JetStream times out (a cluster electing leaders). */
const OPEN_ATTEMPTS = 5;
const RETRY = Symbol('retry');

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

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
	/** Keys of items that arrived live (not replayed): only these notify. */
	lastArrival = $state.raw<InboxItem | null>(null);

	view = $derived(viewInbox(this.items, this.claims, this.answers, this.filter));
	/** Every open item, whatever the filter: what the title's count and notifications are about. */
	openCount = $derived([...this.items.keys()].filter((key) => !this.answers.has(key)).length);

	#bus: BusConnection;
	#feed: TrafficFeed;
	#me: AgentIdentity | null = null;
	/** The KV bucket once open (null when JetStream is unavailable); actions wait for it. */
	#kv: Promise<KV | null> = Promise.resolve(null);
	#stops: Array<() => void> = [];
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
				if (isNew && !this.answers.has(item.key)) this.lastArrival = item;
			})
		);
		this.#kv = this.#open(me);
		// Questions the stream kept while this page was cut off (a server restart, a dropped
		// network) are read again; items already here are not duplicated.
		this.#stops.push(
			this.#bus.onReconnect(() => {
				void this.#kv.then((kv) => kv && this.#replay(me));
			})
		);
	}

	stop(): void {
		this.#starts += 1;
		for (const stop of this.#stops.splice(0)) stop();
		this.#kv = Promise.resolve(null);
	}

	claimOf(item: InboxItem): ClaimRecord | null {
		return this.claims.get(item.key) ?? null;
	}

	answerOf(item: InboxItem): AnswerRecord | null {
		return this.answers.get(item.key) ?? null;
	}

	async claim(item: InboxItem): Promise<void> {
		const me = this.#me;
		const kv = await this.#requireKv(item);
		if (!me || !kv) return;
		const record: ClaimRecord = {
			question_id: item.id,
			by: { id: me.id, name: me.name },
			at: new Date().toISOString()
		};
		try {
			await recordClaim(kv, item.key, record);
			this.claims = withEntry(this.claims, item.key, record);
			this.#say(item, 'ok', 'You are on it: everyone else sees that.');
		} catch (error) {
			this.#say(
				item,
				'error',
				error instanceof AlreadyClaimedError ? error.message : `Could not claim it: ${String(error)}`
			);
		}
	}

	async release(item: InboxItem): Promise<void> {
		const kv = await this.#requireKv(item);
		if (!kv) return;
		try {
			await releaseClaim(kv, item.key);
			this.claims = withoutEntry(this.claims, item.key);
			this.#say(item, 'ok', 'Released: someone else can take it.');
		} catch (error) {
			this.#say(item, 'error', `Could not release it: ${String(error)}`);
		}
	}

	/**
	 * Answers once for everyone: the answer is recorded in KV only if none exists, then sent to the
	 * asker in its own format — as the reply to its request when there is one, and on its durable
	 * answer subject, so an asker that timed out or restarted still gets it.
	 */
	async answer(item: InboxItem, answer: HumanAnswer): Promise<boolean> {
		const me = this.#me;
		const kv = await this.#requireKv(item);
		if (!me || !kv) return false;
		const now = new Date();
		const record: AnswerRecord = {
			question_id: item.id,
			by: { id: me.id, name: me.name },
			at: now.toISOString(),
			answer,
			question: { from: item.from, kind: item.kind, text: item.text, subject: item.subject }
		};
		try {
			await recordAnswer(kv, item.key, record);
		} catch (error) {
			if (error instanceof AlreadyAnsweredError) {
				if (error.record) this.answers = withEntry(this.answers, item.key, error.record);
				// The card leaves the open list now, so say it where the person still looks.
				this.notices = [`“${item.text}”: ${error.message}`, ...this.notices].slice(0, 3);
			}

			this.#say(
				item,
				'error',
				error instanceof AlreadyAnsweredError
					? error.message
					: `Could not record the answer: ${String(error)}. Nothing was sent; try again.`
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
				`The answer is recorded, but sending it to ${item.from} failed: ${String(error)}.`
			);
		}
		return true;
	}

	#deliver(item: InboxItem, answer: HumanAnswer, me: AgentIdentity, now: Date) {
		const by = { id: me.id, name: me.name };
		if (item.origin.dialect === 'seed') {
			const bytes = encodeEnvelope(createAnswerEnvelope(item.origin.envelope, answer, by, now));
			if (item.reply) this.#bus.publish(item.reply, bytes);
			this.#bus.publish(seedSubjects.direct(item.from, 'answer'), bytes);
		} else {
			this.#bus.publish(
				voltaSubjects.message(item.from),
				json(createVoltaResponse(item.origin.message, answer, by, now))
			);
		}
	}

	/** The bucket, waiting for it to open if a person acts on a card that arrived first. */
	async #requireKv(item: InboxItem): Promise<KV | null> {
		const kv = await this.#kv;
		if (kv) return kv;
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
	 * Opens the bucket and starts watching claims and answers, then replays the kept questions. A
	 * cluster that just lost a node answers JetStream calls only once it has elected new leaders, a
	 * few seconds later: a timeout is tried again, with a pause, before the inbox says it cannot.
	 */
	async #open(me: AgentIdentity): Promise<KV | null> {
		const started = this.#starts;
		for (let attempt = 1; ; attempt++) {
			const kv = await this.#openOnce(me, attempt === OPEN_ATTEMPTS);
			if (kv !== RETRY) return kv;
			await new Promise((resolve) => setTimeout(resolve, attempt * 1_000));
			if (this.#starts !== started) return null;
		}
	}

	async #openOnce(me: AgentIdentity, last: boolean): Promise<KV | null | typeof RETRY> {
		this.status = { state: 'loading' };
		try {
			const kv = await openInbox(this.#bus.nats);
			const stopWatching = await watchRecords(kv, (change) => {
				if (change.kind === 'claim') {
					this.claims = change.record
						? withEntry(this.claims, change.key, change.record)
						: withoutEntry(this.claims, change.key);
				} else if (change.record) {
					this.answers = withEntry(this.answers, change.key, change.record);
				}
			});
			this.#stops.push(stopWatching);
			void this.#replay(me);
			return kv;
		} catch (error) {
			if (!last && /timeout|no responders|unavailable|leader/iu.test(String(error))) return RETRY;
			this.#unavailable(error);
			return null;
		}
	}

	async #replay(me: AgentIdentity) {
		try {
			const items: InboxItem[] = [];
			for (const m of await replayInbox(this.#bus.nats)) {
				const item = itemFromMessage(decode(m.subject, m.data), m.subject, null, m.at, me);
				if (item) items.push(item);
			}
			this.items = addItems(this.items, items);
			this.status = { state: 'ready' };
		} catch (error) {
			this.#unavailable(error);
		}
	}

	#unavailable(error: unknown) {
		const detail = error instanceof Error ? error.message : String(error);
		this.status = {
			state: 'unavailable',
			reason: `The inbox could not open its JetStream storage (${detail}). Questions still arrive live, but are not kept; start the server with JetStream (npm start does).`
		};
	}
}
