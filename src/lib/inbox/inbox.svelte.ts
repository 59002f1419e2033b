/**
 * The person's inbox: questions and blockers for them, live from the traffic feed and replayed from
 * JetStream, with claims (KV) and the write-once answers (a stream) seen live by every console.
 */
import {
	AlreadyAnsweredError,
	AlreadyClaimedError,
	markEscalated,
	openInbox,
	putRouting,
	readAnswer,
	recordAndDeliver,
	recordClaim,
	releaseClaim,
	replayInbox,
	wakeSnoozed,
	watchAnswers,
	watchClaims,
	watchRouting,
	type AnswerOutcome,
	type InboxStore
} from './inbox-store';
import { loadEscalationTimes, saveEscalationTimes } from './escalation-settings';
import { appendAudit } from '$lib/audit';
import {
	INBOX_SUBJECTS,
	StorageError,
	isFinalFault,
	pauseBeforeRetry,
	type ReplayedMessage
} from '$lib/storage';
import {
	type Decoded,
	decode,
	encodeEnvelope,
	escalationEnvelope,
	escalationMessage,
	formatIsoTimestamp,
	seedSubjects,
	voltaSubjects,
	type AgentIdentity,
	type AnswerRecord,
	type AuditRecord,
	type ClaimRecord,
	type EscalationRecord,
	type HandoverRecord,
	type HumanAnswer,
	type Person,
	type SnoozeRecord
} from '$lib/protocol';
import { AnswerCourier } from './answer-courier';
import {
	addItems,
	answerDelivery,
	dueForEscalation,
	isForMe,
	itemFromMessage,
	viewInbox,
	type EscalationTimes,
	withEntry,
	withoutEntry,
	type InboxFilter,
	type AnswerDelivery,
	type InboxItem,
	type Items
} from './inbox';
import type { BusConnection } from '$lib/connection/ui';
import { describeError, signInOf } from '$lib/connection';
import type { TrafficFeed } from '$lib/traffic/ui';

export type InboxStatus =
	{ state: 'idle' | 'loading' } | { state: 'ready' } | { state: 'unavailable'; reason: string };

/** What happened to the last thing the person did on an item, shown next to it. */
export type ItemFeedback = { tone: 'ok' | 'error'; text: string };

/**
 * Opening the inbox's storage is tried again, with a growing pause up to 5 s, for as long as JetStream
 * times out (a cluster electing leaders after losing a server can take a minute on a loaded machine).
 * After this many tries (about 30 s) the person is told, and the tries go on.
 */
const OPEN_ATTEMPTS_BEFORE_TELLING = 8;
const RETRY = Symbol('retry');

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** A routing record that arrived, changed, or was removed (null). */
type RoutingChange =
	| { kind: 'handover'; record: HandoverRecord | null }
	| { kind: 'snooze'; record: SnoozeRecord | null }
	| { kind: 'escalated'; record: EscalationRecord | null };

/** Why an item asks for a person's attention again after it first arrived. */
export type Renotice =
	{ kind: 'handed'; record: HandoverRecord } | { kind: 'escalated'; record: EscalationRecord };

export class InboxState {
	// Each map is replaced on change, never mutated.
	items = $state.raw<Items>(new Map());
	claims = $state.raw<ReadonlyMap<string, ClaimRecord>>(new Map());
	answers = $state.raw<ReadonlyMap<string, AnswerRecord>>(new Map());
	handovers = $state.raw<ReadonlyMap<string, HandoverRecord>>(new Map());
	snoozes = $state.raw<ReadonlyMap<string, SnoozeRecord>>(new Map());
	escalations = $state.raw<ReadonlyMap<string, EscalationRecord>>(new Map());
	/** Who is looking, as the view needs it (reactive, unlike #me). */
	#meState = $state.raw<AgentIdentity | null>(null);
	/** The clock snoozes are read against: moved by `tick` when a snooze ends. */
	now = $state(Date.now());
	/** Minutes before an unanswered item is escalated, per urgency: this person's setting. */
	escalateAfter = $state<EscalationTimes>(loadEscalationTimes(globalThis.localStorage));
	feedback = $state.raw<ReadonlyMap<string, ItemFeedback>>(new Map());
	/** Outcomes that outlive their item's card (an answer refused because someone else was first). */
	notices = $state.raw<string[]>([]);
	status = $state.raw<InboxStatus>({ state: 'idle' });
	filter = $state<InboxFilter>({ kind: '', text: '', unclaimed: false });

	view = $derived(
		viewInbox(
			this.items,
			this.claims,
			this.answers,
			this.filter,
			{ handovers: this.handovers, snoozes: this.snoozes, escalations: this.escalations },
			this.#meState,
			this.now
		)
	);
	/** Every open item, whatever the filter: what the title's count and notifications are about. */
	openCount = $derived([...this.items.keys()].filter((key) => !this.answers.has(key)).length);

	/**
	 * Calls `listener` once for each open item that arrives live (replayed ones do not: they are not
	 * news), as it arrives: two in one frame are two calls. Returns the function that stops it.
	 */
	onArrival(listener: (item: InboxItem) => void): () => void {
		this.#arrivals.add(listener);
		return () => this.#arrivals.delete(listener);
	}

	/** Whether an item is for this person: asked of them, handed to them, or naming what they handle. */
	isForMe(item: InboxItem): boolean {
		return this.#meState !== null && isForMe(item, this.#meState, this.handovers.get(item.key));
	}

	/** Whether an item is still waiting for an answer. */
	isOpen(key: string): boolean {
		return this.items.has(key) && !this.answers.has(key);
	}

	/**
	 * Calls `listener` when an item asks for attention again: handed to this person, or escalated
	 * (once, by whichever console escalated it, seen by every console online).
	 */
	onRenotice(listener: (item: InboxItem, why: Renotice) => void): () => void {
		this.#renotices.add(listener);
		return () => this.#renotices.delete(listener);
	}

	#bus: BusConnection;
	#feed: TrafficFeed;
	#arrivals = new Set<(item: InboxItem) => void>();
	#renotices = new Set<(item: InboxItem, why: Renotice) => void>();
	#me: AgentIdentity | null = null;
	/** When this console started: routing records older than that are not news. */
	#startedAt = 0;
	/** Items this console is escalating now (one attempt at a time each). */
	#escalating = new Set<string>();
	/** The storage once open (null when it is unavailable); actions wait for it. */
	#store: Promise<InboxStore | null> = Promise.resolve(null);
	/** Whether the storage of this start has opened (the promise above may wait on tries). */
	#opened = false;
	#stops: Array<() => void> = [];
	#replayListeners = new Set<(batch: ReplayedMessage[]) => void>();
	/** Bumped by every start and stop, so a retry left over from an earlier start gives up. */
	#starts = 0;
	/** Records and delivers answers from a worker (see `#recordAndDeliver`); null until needed. */
	#courier: AnswerCourier | null = null;
	/** Starts that worker; null while stopped, or when there is no sign-in to give it. */
	#startCourier: (() => AnswerCourier) | null = null;

	constructor(bus: BusConnection, feed: TrafficFeed) {
		this.#bus = bus;
		this.#feed = feed;
	}

	start(me: AgentIdentity): void {
		this.stop();
		this.#me = me;
		this.#meState = me;
		this.#startedAt = Date.now();
		// Questions come twice: from the traffic feed, and on the inbox's own connection, which no
		// flood of routine traffic holds up (whichever is first shows the card; the other is a duplicate).
		this.#stops.push(
			this.#feed.listen((entry) =>
				this.#arrived(entry.decoded, entry.subject, entry.reply, entry.receivedAt, me)
			)
		);
		void this.#listenQuietly(me, this.#starts);
		// Started with the first question, not now: most of a quiet bus's consoles never answer, and
		// the worker is a fetch of its own (86 kB gzipped). A console that is not joined yet has no
		// sign-in to give it: the page answers itself.
		const details = this.#bus.connected ? this.#bus.joinDetails : null;
		this.#startCourier = details
			? () => new AnswerCourier(details.servers, `switchboard: ${me.name} (answers)`, signInOf(details))
			: null;
		this.#opened = false;
		this.#store = this.#open(me);
		// Questions the stream kept while this page was cut off (a server restart, a dropped
		// network) are read again; items already here are not duplicated.
		this.#stops.push(
			this.#bus.onReconnect(() => {
				void this.#store.then((store) => store && this.#replay(me));
			})
		);
	}

	/** A question or blocker that arrived live, by either way; counted as new once. */
	#arrived(decoded: Decoded, subject: string, reply: string | null, receivedAt: number, me: AgentIdentity) {
		const item = itemFromMessage(decoded, subject, reply, receivedAt, me);
		if (!item) return;
		const isNew = !this.items.has(item.key);
		this.items = addItems(this.items, [item]);
		this.#courier ??= this.#startCourier?.() ?? null;
		if (isNew && !this.answers.has(item.key)) for (const listener of this.#arrivals) listener(item);
	}

	/** Subscribes to the subjects questions come on, on the inbox's own connection (when it has one). */
	async #listenQuietly(me: AgentIdentity, started: number) {
		const nc = await this.#bus.quietConnection().catch(() => null);
		// None of its own (or left meanwhile): the feed brings every question anyway.
		if (!nc || this.#starts !== started || !this.#bus.connected || nc === this.#bus.nats) return;
		const subscriptions = INBOX_SUBJECTS.filter((subject) => !subject.endsWith('.answer')).map((subject) =>
			nc.subscribe(subject, {
				callback: (error, msg) => {
					if (!error)
						this.#arrived(decode(msg.subject, msg.data), msg.subject, msg.reply ?? null, Date.now(), me);
				}
			})
		);
		this.#stops.push(() => {
			for (const subscription of subscriptions) subscription.unsubscribe();
		});
	}

	stop(): void {
		this.#starts += 1;
		this.#courier?.close();
		this.#courier = null;
		this.#startCourier = null;
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
		const delivery = answerDelivery(item, answer, { id: me.id, name: me.name }, now);
		const outcome = await this.#recordAndDeliver(item.key, record, delivery);
		switch (outcome.kind) {
			case 'already': {
				const refusal = new AlreadyAnsweredError(outcome.record);
				if (outcome.record) this.answers = withEntry(this.answers, item.key, outcome.record);
				// The card leaves the open list now, so say it where the person still looks.
				this.notices = [`“${item.text}”: ${refusal.message}`, ...this.notices].slice(0, 3);
				this.#say(item, 'error', refusal.message);
				return false;
			}
			case 'not-recorded':
				this.#say(item, 'error', outcome.message);
				return false;
			case 'failed':
				this.#say(
					item,
					'error',
					`Could not record the answer: ${outcome.message}. Nothing was sent; try again.`
				);
				return false;
			case 'undelivered':
				this.answers = withEntry(this.answers, item.key, record);
				this.#say(
					item,
					'error',
					`The answer is recorded, but sending it to ${item.from} failed: ${outcome.message}.`
				);
				break;
			case 'sent':
				this.answers = withEntry(this.answers, item.key, record);
				this.#say(item, 'ok', `Answer sent to ${item.from}.`);
				break;
		}
		if (answer.edited) {
			// What was proposed and what was approved instead, for whoever looks back.
			const original = item.proposal ?? { fields: item.fields };
			const summary = `${me.name} approved ${item.from}’s ${item.kind} with edits`;
			const approved = answer.args ?? answer.fields ?? {};
			await appendAudit(this.#bus.nats, this.#audit(item, 'edit', summary, { original, approved })).catch(
				() => undefined
			);
		}
		return true;
	}

	/**
	 * Writes the answer only if none exists, then sends it on the same connection, in order after the
	 * record: from the answer worker when it is up (the page's thread may be busy with a flood, and the
	 * record's acknowledgement would wait behind it), else from the inbox's own connection while it is
	 * up (see BusConnection.quietConnection), else from the page's.
	 */
	async #recordAndDeliver(
		key: string,
		record: AnswerRecord,
		delivery: AnswerDelivery
	): Promise<AnswerOutcome> {
		return (
			this.#courier?.answer(key, record, delivery) ??
			recordAndDeliver(await this.#bus.quietConnection(), key, record, delivery)
		);
	}

	/** Hands an item to a colleague: everyone sees it, and they are notified. */
	async handOver(item: InboxItem, to: Person, note = ''): Promise<boolean> {
		const me = this.#me;
		const store = await this.#requireStore(item);
		if (!me || !store) return false;
		if (to.id === me.id) return this.#fail(item, 'Hand it to someone else: it is already in front of you.');
		const record: HandoverRecord = {
			question_id: item.id,
			to,
			by: { id: me.id, name: me.name },
			at: new Date().toISOString(),
			note: note.trim() || null
		};
		try {
			await putRouting(store, 'handover', item.key, record);
		} catch (error) {
			return this.#fail(item, `Could not hand it over: ${describeError(error)}. Try again.`);
		}
		this.handovers = withEntry(this.handovers, item.key, record);
		const summary = `${me.name} handed ${item.from}’s ${item.kind} to ${to.name}${record.note ? `: ${record.note}` : ''}`;
		return this.#recorded(
			item,
			'handover',
			summary,
			{ to, note: record.note },
			`Handed to ${to.name}: they are notified.`
		);
	}

	/** Sets an item aside for everyone until `until`; the asking agent is told nothing. */
	async snooze(item: InboxItem, until: Date): Promise<boolean> {
		const me = this.#me;
		const store = await this.#requireStore(item);
		if (!me || !store) return false;
		if (until.getTime() <= Date.now())
			return this.#fail(item, 'Choose a time in the future to snooze it until.');
		const record: SnoozeRecord = {
			question_id: item.id,
			by: { id: me.id, name: me.name },
			at: new Date().toISOString(),
			until: until.toISOString()
		};
		try {
			await putRouting(store, 'snooze', item.key, record);
		} catch (error) {
			return this.#fail(item, `Could not snooze it: ${describeError(error)}. Try again.`);
		}
		this.snoozes = withEntry(this.snoozes, item.key, record);
		const when = until.toLocaleString();
		return this.#recorded(
			item,
			'snooze',
			`${me.name} snoozed ${item.from}’s ${item.kind} until ${when}`,
			{ until: record.until },
			`Snoozed until ${when}; ${item.from} is told nothing.`
		);
	}

	/** Brings a snoozed item back now. */
	async wake(item: InboxItem): Promise<boolean> {
		const me = this.#me;
		const store = await this.#requireStore(item);
		if (!me || !store) return false;
		try {
			await wakeSnoozed(store, item.key);
		} catch (error) {
			return this.#fail(item, `Could not bring it back: ${describeError(error)}. Try again.`);
		}
		this.snoozes = withoutEntry(this.snoozes, item.key);
		return this.#recorded(
			item,
			'wake',
			`${me.name} brought back ${item.from}’s ${item.kind}`,
			{},
			'Back in the inbox.'
		);
	}

	/** This person's escalation times (minutes per urgency), kept in this browser. */
	setEscalationTimes(times: EscalationTimes): void {
		this.escalateAfter = times;
		saveEscalationTimes(globalThis.localStorage, times);
	}

	/**
	 * Moves the clock on (snoozes come back) and escalates what has waited too long: an item nobody is
	 * on, not answered (the server's record is read to be sure), not snoozed, past its urgency's time.
	 * Whichever console marks it first tells the asker and records it; every console re-notifies.
	 */
	tick(now: number): void {
		// The view depends on the clock only through snoozes: it is redrawn when one ends, not every second
		// (with 5,000 open questions a redraw a second cost ~70 ms of main thread).
		if (this.#snoozeEnded(now)) this.now = now;
		const me = this.#me;
		if (!me || this.status.state !== 'ready') return;
		const routing = { handovers: this.handovers, snoozes: this.snoozes, escalations: this.escalations };
		for (const item of dueForEscalation(this.items, this.answers, routing, this.escalateAfter, now)) {
			if (this.claims.has(item.key) || this.#escalating.has(item.key)) continue;
			this.#escalating.add(item.key);
			void this.#escalate(item, me, now).finally(() => this.#escalating.delete(item.key));
		}
	}

	/** Whether a snooze ended between the view's clock and `now` (or the clock went back). */
	#snoozeEnded(now: number): boolean {
		if (now < this.now) return true;
		for (const snooze of this.snoozes.values()) {
			const until = Date.parse(snooze.until);
			if (until > this.now && until <= now) return true;
		}
		return false;
	}

	async #escalate(item: InboxItem, me: AgentIdentity, now: number) {
		const store = await this.#store;
		if (!store || (await readAnswer(store.nc, item.key).catch(() => null))) return;
		const by = { id: me.id, name: me.name };
		const waited = (now - item.receivedAt) / 1000;
		const record: EscalationRecord = {
			question_id: item.id,
			by,
			at: new Date(now).toISOString(),
			waited_seconds: Math.round(waited)
		};
		if (!(await markEscalated(store, item.key, record).catch(() => false))) return;
		this.#routed(item.key, { kind: 'escalated', record });
		// The asker hears that it still waits, in its own format; the question itself is untouched.
		if (item.origin.dialect === 'seed') {
			const { envelope } = item.origin;
			const notice = escalationEnvelope(
				{ from: item.from, id: item.id, correlationId: envelope.correlation_id },
				by,
				waited
			);
			this.#bus.publish(seedSubjects.direct(item.from, 'status_update'), encodeEnvelope(notice));
		} else {
			this.#bus.publish(
				voltaSubjects.message(item.from),
				json(escalationMessage({ from: item.from, id: item.id }, by, waited))
			);
		}
		const minutes = Math.round(waited / 60);
		await appendAudit(
			store.nc,
			this.#audit(
				item,
				'escalate',
				`${item.from}’s ${item.kind} was escalated after ${minutes} min unanswered (by ${me.name}’s console)`,
				{ waited_seconds: record.waited_seconds }
			)
		).catch(() => undefined);
	}

	/** A routing record arrived (or changed): kept, and news for this person when it is new. */
	#routed(key: string, change: RoutingChange) {
		const replaced = <R>(map: ReadonlyMap<string, R>, record: R | null) => {
			const known = map.get(key);
			if (record && known && JSON.stringify(known) === JSON.stringify(record)) return null;
			return record ? withEntry(map, key, record) : withoutEntry(map, key);
		};
		switch (change.kind) {
			case 'handover': {
				const next = replaced(this.handovers, change.record);
				if (!next) return;
				this.handovers = next;
				break;
			}
			case 'snooze': {
				const next = replaced(this.snoozes, change.record);
				if (!next) return;
				this.snoozes = next;
				break;
			}
			case 'escalated': {
				const next = replaced(this.escalations, change.record);
				if (!next) return;
				this.escalations = next;
				break;
			}
		}
		const item = this.items.get(key);
		const { record } = change;
		// Records older than this console are not news: they were dealt with before it joined.
		if (!record || !item || this.answers.has(key) || Date.parse(record.at) < this.#startedAt - 5_000) return;
		const me = this.#me?.id;
		if (change.kind === 'handover') {
			const handed = change.record;
			if (handed && handed.to.id === me && handed.by.id !== me)
				for (const listener of this.#renotices) listener(item, { kind: 'handed', record: handed });
		} else if (change.kind === 'escalated') {
			const escalated = change.record;
			if (escalated)
				for (const listener of this.#renotices) listener(item, { kind: 'escalated', record: escalated });
		}
	}

	#audit(
		item: InboxItem,
		action: AuditRecord['action'],
		summary: string,
		detail: Record<string, unknown>
	): AuditRecord {
		const me = this.#me!;
		return {
			action,
			by: { id: me.id, name: me.name },
			at: formatIsoTimestamp(new Date()),
			agent: item.from,
			question: item.key,
			summary,
			detail: { question_id: item.id, text: item.text.slice(0, 500), ...detail }
		};
	}

	/** Records what was done in the audit trail and says so; done is done even when the trail refuses. */
	async #recorded(
		item: InboxItem,
		action: AuditRecord['action'],
		summary: string,
		detail: Record<string, unknown>,
		said: string
	): Promise<boolean> {
		try {
			await appendAudit(this.#bus.nats, this.#audit(item, action, summary, detail));
			this.#say(item, 'ok', said);
		} catch (error) {
			this.#say(item, 'error', `${said} But ${describeError(error)}.`);
		}
		return true;
	}

	#fail(item: InboxItem, text: string): false {
		this.#say(item, 'error', text);
		return false;
	}

	/** The storage, waiting for it to open if a person acts on a card that arrived first. */
	async #requireStore(item: InboxItem): Promise<InboxStore | null> {
		// Still trying to open after the person was told: say so now rather than wait with them.
		const store = this.status.state === 'unavailable' && !this.#opened ? null : await this.#store;
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
			const store = await this.#openOnce(me, attempt >= OPEN_ATTEMPTS_BEFORE_TELLING);
			if (store !== RETRY) return store;
			await pauseBeforeRetry(attempt);
			if (this.#starts !== started) return null;
		}
	}

	async #openOnce(me: AgentIdentity, tell: boolean): Promise<InboxStore | null | typeof RETRY> {
		// Still saying why it is not open while it tries again: no flicker back to "loading".
		if (this.status.state !== 'unavailable') this.status = { state: 'loading' };
		try {
			const store = await openInbox(await this.#bus.quietConnection());
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
			// Hand-overs, snoozes and escalations are watched apart, and tried again by themselves: a
			// cluster electing leaders after a node's loss must not keep the inbox itself from opening.
			void this.#watchRouting(store, this.#starts);
			void this.#replay(me);
			this.#opened = true;
			return store;
		} catch (error) {
			if (isFinalFault(error)) {
				this.#unavailable(error);
				return null;
			}
			if (tell) this.#unavailable(error, { retrying: true });
			return RETRY;
		}
	}

	/** Watches the routing records, trying again (with a pause) until it can or this start is over. */
	async #watchRouting(store: InboxStore, started: number) {
		for (let attempt = 1; this.#starts === started; attempt++) {
			const watchers: Array<() => void> = [];
			try {
				watchers.push(
					await watchRouting(store, 'handover', (key, record) =>
						this.#routed(key, { kind: 'handover', record })
					),
					await watchRouting(store, 'snooze', (key, record) => this.#routed(key, { kind: 'snooze', record })),
					await watchRouting(store, 'escalated', (key, record) =>
						this.#routed(key, { kind: 'escalated', record })
					)
				);
			} catch (error) {
				for (const stop of watchers) stop();
				if (isFinalFault(error)) return;
				await pauseBeforeRetry(attempt);
				continue;
			}
			if (this.#starts === started) this.#stops.push(...watchers);
			else for (const stop of watchers) stop();
			return;
		}
	}

	/** Reads the kept questions back; a timeout is tried again, as opening is (items are not duplicated). */
	async #replay(me: AgentIdentity) {
		const started = this.#starts;
		for (let attempt = 1; this.#starts === started; attempt++) {
			try {
				// A batch at a time: a stream full of junk is read without holding it all, and the
				// questions among it show as they are found.
				await replayInbox(await this.#bus.quietConnection(), (batch) => {
					const items: InboxItem[] = [];
					for (const m of batch) {
						const item = itemFromMessage(decode(m.subject, m.data), m.subject, null, m.at, me);
						if (item) items.push(item);
					}
					if (items.length) {
						this.items = addItems(this.items, items);
						this.#courier ??= this.#startCourier?.() ?? null;
					}
					for (const listener of this.#replayListeners) listener(batch);
				});
				this.status = { state: 'ready' };
				return;
			} catch (error) {
				if (isFinalFault(error)) return this.#unavailable(error);
				if (attempt >= OPEN_ATTEMPTS_BEFORE_TELLING) this.#unavailable(error, { retrying: true });
				await pauseBeforeRetry(attempt);
			}
		}
	}

	#unavailable(error: unknown, { retrying = false } = {}) {
		const detail = describeError(error);
		this.status = {
			state: 'unavailable',
			reason: retrying
				? `The inbox’s JetStream storage is not answering (${detail}); a cluster that just lost a server may still be choosing new leaders. Trying again every 5 s. Questions still arrive live; ${this.#opened ? 'answering works, and the kept questions show once they can be read.' : 'answering waits until it opens.'}`
				: error instanceof StorageError
					? `Questions still arrive live, but cannot be kept or answered here. ${detail}`
					: `The inbox could not open its JetStream storage (${detail}). Questions still arrive live, but are not kept; start the server with JetStream (npm start does).`
		};
	}
}
