/**
 * The human-in-the-loop inbox as plain data: which messages are questions for this person, and how
 * they stand (open, claimed, answered). Pure functions, shared by the page and the tests.
 */
import {
	FieldsSchema,
	createAnswerEnvelope,
	createVoltaResponse,
	encodeEnvelope,
	seedSubjects,
	voltaSubjects,
	deadlineOf,
	handlesAny,
	proposalOf,
	routingOf,
	describeIssues,
	replyWaitsUntil,
	parseTimestamp,
	questionKey,
	seedQuestionId,
	voltaQuestionId,
	type AgentMessage,
	type AnswerRecord,
	type ClaimRecord,
	type Decoded,
	type EscalationRecord,
	type HandoverRecord,
	type Proposal,
	type SnoozeRecord,
	type Fields,
	type HumanAnswer,
	type McpMessage
} from '../protocol';

export type ItemKind = 'question' | 'blocker' | 'query';
export type Urgency = 'low' | 'medium' | 'high' | 'critical';

export interface InboxItem {
	/** The `question_id` an answer carries. */
	id: string;
	/** The KV key of its claim and answer. */
	key: string;
	kind: ItemKind;
	from: string;
	subject: string;
	/** Where a request/reply asker waits, when this console saw the request live. */
	reply: string | null;
	audience: 'you' | 'everyone' | 'team';
	text: string;
	context: string | null;
	/** A question's urgency or a blocker's impact. */
	urgency: Urgency | null;
	workStream: string | null;
	options: string[];
	fields: Fields | null;
	/** Why a form the question carries cannot be shown (it is answered in words instead). */
	fieldsProblem: string | null;
	suggestedResolution: string | null;
	/** What it proposes to do, which a person may edit before approving: a resolution, or an action's args. */
	proposal: Proposal | null;
	sentAt: number | null;
	receivedAt: number;
	deadline: number | null;
	/**
	 * Until when a request/reply asker waits for the reply (its stated timeout, else the seed's 5 s):
	 * null when there is no reply subject. After it, the answer goes to the asker's answer subject.
	 */
	waitsUntil: number | null;
	/** The capabilities it names (`capability`, `capabilities`): people who handle one see it as for them. */
	capabilities: string[];
	/** The team it names (`team` in its content, or the team subject it was asked on). */
	team: string | null;
	/** What is unusual about a question the seed's receiver accepts but whose content is off its documented shape. */
	unusual: string | null;
	/** The message itself, to answer in its own format. */
	origin: { dialect: 'seed'; envelope: AgentMessage } | { dialect: 'volta'; message: McpMessage };
}

export interface Me {
	id: string;
	team?: string;
	/** What the person said they can help with when joining. */
	capabilities?: string[];
}

function contextText(context: unknown): string | null {
	if (context === undefined || context === null || context === '') return null;
	return typeof context === 'string' ? context : JSON.stringify(context, null, 2);
}

/**
 * The choices a question offers, each once: an agent that lists "yes" twice offers one "yes" (two
 * identical buttons would be one choice shown twice, and the page keys its buttons by choice).
 */
function readForm(content: Record<string, unknown>) {
	const options = Array.isArray(content.options)
		? [...new Set(content.options.filter((o): o is string => typeof o === 'string' && o.length > 0))].slice(
				0,
				12
			)
		: [];
	if (content.fields === undefined) return { options, fields: null, fieldsProblem: null };
	const fields = FieldsSchema.safeParse(content.fields);
	if (fields.success)
		for (const field of Object.values(fields.data)) if (field.enum) field.enum = [...new Set(field.enum)];
	return fields.success
		? { options, fields: Object.keys(fields.data).length > 0 ? fields.data : null, fieldsProblem: null }
		: {
				options,
				fields: null,
				fieldsProblem: `The question’s form is not usable (${describeIssues(fields.error, content.fields)}); answer in words.`
			};
}

/**
 * A question's urgency or a blocker's impact. A value the seed does not document ("critical" on a
 * question, "P0", "urgent") is somebody saying it matters more than usual: it ranks at the top, never
 * at the bottom, and the item says what it was.
 */
function urgencyOf(value: unknown): Urgency | null {
	if (value === 'low' || value === 'medium' || value === 'high' || value === 'critical') return value;
	return typeof value === 'string' && value.trim() ? 'critical' : null;
}

/**
 * A question's context as label–value lines when it is a JSON object (`{"build": 412}` → build: 412),
 * nested values written as JSON; null when it is text or anything else (shown as it is).
 */
export function contextLines(context: string): Array<[string, string]> | null {
	let value: unknown;
	try {
		value = JSON.parse(context);
	} catch {
		return null;
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
	return Object.entries(value as Record<string, unknown>).map(([key, v]) => [
		key,
		typeof v === 'string' ? v : JSON.stringify(v)
	]);
}

/** The inbox item a message makes for this person, or null when it is not a question for them. */
export function itemFromMessage(
	decoded: Decoded,
	subject: string,
	reply: string | null,
	receivedAt: number,
	me: Me
): InboxItem | null {
	if (!decoded.ok) return null;
	if (decoded.dialect === 'seed') {
		const { envelope, route } = decoded;
		if (envelope.from_agent === me.id) return null;
		const type = envelope.message_type;
		if (type !== 'question' && type !== 'blocker') return null;
		let audience: InboxItem['audience'];
		if (route.kind === 'seed.broadcast') audience = 'everyone';
		else if (route.kind === 'seed.direct' && route.agentId === me.id) audience = 'you';
		else if (route.kind === 'seed.team' && me.team && route.teamId === me.team) audience = 'team';
		else return null;

		const sentAt = parseTimestamp(envelope.timestamp);
		const id = seedQuestionId(envelope);
		const base = {
			id,
			key: questionKey(envelope.from_agent, id),
			from: envelope.from_agent,
			subject,
			reply,
			audience,
			sentAt: sentAt?.getTime() ?? null,
			receivedAt,
			deadline: deadlineOf(envelope.content, sentAt)?.getTime() ?? null,
			origin: { dialect: 'seed' as const, envelope },
			...readForm(envelope.content),
			...routingOf(envelope.content),
			proposal: proposalOf(type, envelope.content)
		};
		if (route.kind === 'seed.team' && !base.team) base.team = route.teamId;
		const waitsUntil = reply ? replyWaitsUntil(envelope.content, sentAt, receivedAt) : null;
		const content = envelope.content;
		// decode checked the content against its type's schema once already: its verdict is reused.
		const unusual = decoded.content.ok ? null : decoded.content.issues;
		const workStream = content.work_stream ?? content.work_stream_id;
		if (type === 'question') {
			// What the seed's receiver accepts is shown: only a question with no text at all is not one.
			if (typeof content.question !== 'string' || !content.question.trim()) return null;
			return {
				...base,
				kind: 'question',
				text: content.question,
				context: contextText(content.context),
				urgency: urgencyOf(content.urgency),
				workStream: typeof workStream === 'string' ? workStream : null,
				suggestedResolution: null,
				waitsUntil,
				unusual
			};
		}
		if (typeof content.blocker !== 'string' || !content.blocker.trim()) return null;
		return {
			...base,
			kind: 'blocker',
			text: content.blocker,
			context: contextText(content.context),
			urgency: urgencyOf(content.impact),
			workStream: typeof workStream === 'string' ? workStream : null,
			suggestedResolution:
				typeof content.suggested_resolution === 'string' ? content.suggested_resolution : null,
			waitsUntil,
			unusual
		};
	}
	const { payload, route } = decoded;
	if (payload.kind !== 'message' || payload.value.type !== 'query') return null;
	const message = payload.value;
	if (message.from === me.id) return null;
	const toMe = route.kind === 'volta.message' && route.agentId === me.id;
	const toAll = route.kind === 'volta.broadcast';
	if (!toMe && !toAll) return null;
	const sentAt = parseTimestamp(message.timestamp);
	const id = voltaQuestionId(message);
	const metadata = message.metadata ?? {};
	const urgency = metadata.urgency;
	return {
		id,
		key: questionKey(message.from, id),
		kind: 'query',
		from: message.from,
		subject,
		reply,
		audience: toMe ? 'you' : 'everyone',
		text: message.message,
		context: contextText(metadata.context),
		urgency: urgencyOf(urgency),
		workStream: typeof metadata.work_stream === 'string' ? metadata.work_stream : null,
		suggestedResolution: null,
		sentAt: sentAt?.getTime() ?? null,
		receivedAt,
		deadline: deadlineOf(metadata, sentAt)?.getTime() ?? null,
		waitsUntil: null,
		unusual: null,
		origin: { dialect: 'volta', message },
		...readForm(metadata),
		...routingOf(metadata),
		proposal: proposalOf('query', metadata)
	};
}

export type Items = ReadonlyMap<string, InboxItem>;

/** Adds items by key; the same question seen twice (live and replayed) stays one item, keeping its reply subject. */
export function addItems(items: Items, incoming: readonly InboxItem[]): Items {
	if (incoming.length === 0) return items;
	const next = new Map(items);
	for (const item of incoming) {
		const known = next.get(item.key);
		if (!known) next.set(item.key, item);
		else if (!known.reply && item.reply)
			next.set(item.key, { ...known, reply: item.reply, waitsUntil: item.waitsUntil });
	}
	return next;
}

const RANK: Record<Urgency, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/** Blockers and urgent questions first; within the same urgency, who has waited longest. */
export function compareItems(a: InboxItem, b: InboxItem): number {
	const rank = (item: InboxItem) =>
		(item.urgency ? RANK[item.urgency] : 2) + (item.kind === 'blocker' ? 0.5 : 0);
	return rank(b) - rank(a) || (a.sentAt ?? a.receivedAt) - (b.sentAt ?? b.receivedAt);
}

export interface InboxFilter {
	kind?: ItemKind | '';
	text?: string;
	/** Only items nobody has claimed yet. */
	unclaimed?: boolean;
	/** Only items for this person: asked of them, handed to them, or naming their team or what they handle. */
	forMe?: boolean;
}

/** How the crew routes its questions: hand-overs, snoozes and escalations, as every console sees them. */
export interface CrewRouting {
	handovers: ReadonlyMap<string, HandoverRecord>;
	snoozes: ReadonlyMap<string, SnoozeRecord>;
	escalations: ReadonlyMap<string, EscalationRecord>;
}

export const NO_ROUTING: CrewRouting = { handovers: new Map(), snoozes: new Map(), escalations: new Map() };

/**
 * Whether an item is for this person: handed to them (and, once handed to someone else, for that
 * person only), asked of them or their team, or naming a capability they handle.
 */
export function isForMe(item: InboxItem, me: Me, handover: HandoverRecord | undefined): boolean {
	if (handover) return handover.to.id === me.id;
	if (item.audience === 'you' || item.audience === 'team') return true;
	if (item.team && me.team && item.team.toLowerCase() === me.team.toLowerCase()) return true;
	return handlesAny(me.capabilities ?? [], item.capabilities);
}

/** Until when an item is snoozed, or null when it is not (or no longer) set aside. */
export function snoozedUntil(snooze: SnoozeRecord | undefined, now: number): number | null {
	if (!snooze) return null;
	const until = Date.parse(snooze.until);
	return until > now ? until : null;
}

/** When a snooze chosen as minutes from now, or 'tomorrow' (9:00 local time), ends. */
export function snoozeEnd(choice: string, now: number): Date {
	if (choice !== 'tomorrow') return new Date(now + Number(choice) * 60_000);
	const morning = new Date(now);
	morning.setDate(morning.getDate() + 1);
	morning.setHours(9, 0, 0, 0);
	return morning;
}

export interface InboxView {
	open: InboxItem[];
	/** Set aside for a while, soonest back first. */
	snoozed: Array<{ item: InboxItem; until: number; record: SnoozeRecord }>;
	/** `key` is the question's key: unique, where question ids of different askers may repeat. */
	answered: Array<{ key: string; item: InboxItem | null; record: AnswerRecord }>;
	/** Open, not snoozed, and for this person (whatever the filter). */
	forMe: number;
	/** Open and not snoozed (whatever the filter). */
	waiting: number;
}

/** Open items (escalated first, then sorted; filtered), snoozed ones, and the answered history (newest first). */
export function viewInbox(
	items: Items,
	claims: ReadonlyMap<string, ClaimRecord>,
	answers: ReadonlyMap<string, AnswerRecord>,
	filter: InboxFilter,
	routing: CrewRouting = NO_ROUTING,
	me: Me | null = null,
	now = Date.now()
): InboxView {
	const text = filter.text?.trim().toLowerCase() ?? '';
	const snoozed: InboxView['snoozed'] = [];
	const waiting: InboxItem[] = [];
	for (const item of items.values()) {
		if (answers.has(item.key)) continue;
		const record = routing.snoozes.get(item.key);
		const until = snoozedUntil(record, now);
		if (until !== null && record) snoozed.push({ item, until, record });
		else waiting.push(item);
	}
	const forMe = (item: InboxItem) => me !== null && isForMe(item, me, routing.handovers.get(item.key));
	const escalated = (item: InboxItem) => (routing.escalations.has(item.key) ? 1 : 0);
	const open = waiting
		.filter((item) => !filter.kind || item.kind === filter.kind)
		.filter((item) => !filter.unclaimed || !claims.has(item.key))
		.filter((item) => !filter.forMe || forMe(item))
		.filter(
			(item) =>
				!text ||
				[
					item.text,
					item.from,
					item.context ?? '',
					item.workStream ?? '',
					...item.capabilities,
					item.team ?? ''
				]
					.join(' ')
					.toLowerCase()
					.includes(text)
		)
		.sort((a, b) => escalated(b) - escalated(a) || compareItems(a, b));
	// The history is searched by the same words: the question, the agent, who answered, what, and the date.
	const words = text.split(/\s+/u).filter(Boolean);
	const answered = [...answers.entries()]
		.filter(([, record]) => {
			if (words.length === 0) return true;
			const haystack = [
				record.question.text,
				record.question.from,
				record.by.name,
				record.answer.text,
				record.at.slice(0, 10)
			]
				.join(' ')
				.toLowerCase();
			return words.every((word) => haystack.includes(word));
		})
		.map(([key, record]) => ({ key, item: items.get(key) ?? null, record }))
		.sort((a, b) => b.record.at.localeCompare(a.record.at));
	return {
		open,
		snoozed: snoozed.sort((a, b) => a.until - b.until),
		answered,
		forMe: waiting.filter(forMe).length,
		waiting: waiting.length
	};
}

/** Minutes an item waits before it is escalated, by urgency (a blocker's impact counts as urgency). */
export type EscalationTimes = Record<Urgency, number>;
export const DEFAULT_ESCALATION_MINUTES: EscalationTimes = { critical: 2, high: 5, medium: 15, low: 60 };

/**
 * When an item is escalated: its wait (from when it arrived, or from when a snooze ended) plus the
 * minutes for its urgency; an item of no stated urgency counts as medium.
 */
export function escalatesAt(
	item: InboxItem,
	snooze: SnoozeRecord | undefined,
	times: EscalationTimes
): number {
	const from = Math.max(item.receivedAt, snooze ? Date.parse(snooze.until) : 0);
	return from + times[item.urgency ?? 'medium'] * 60_000;
}

/** Open items due for escalation now: not answered, not escalated before, not snoozed. */
export function dueForEscalation(
	items: Items,
	answers: ReadonlyMap<string, AnswerRecord>,
	routing: CrewRouting,
	times: EscalationTimes,
	now: number
): InboxItem[] {
	const due: InboxItem[] = [];
	for (const item of items.values()) {
		if (answers.has(item.key) || routing.escalations.has(item.key)) continue;
		const snooze = routing.snoozes.get(item.key);
		if (snoozedUntil(snooze, now) !== null) continue;
		if (escalatesAt(item, snooze, times) <= now) due.push(item);
	}
	return due;
}

/** "4:59", "1:02:03", or "overdue 0:12". */
export function countdownText(deadline: number, now: number): string {
	const left = Math.round((deadline - now) / 1000);
	const abs = Math.abs(left);
	const h = Math.floor(abs / 3600);
	const m = Math.floor((abs % 3600) / 60);
	const s = String(abs % 60).padStart(2, '0');
	const clock = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
	return left >= 0 ? clock : `overdue ${clock}`;
}

/** A copy of `map` with `key` set: state maps are replaced, never mutated. */
export function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
	return new Map(map).set(key, value);
}

/** A copy of `map` without `key`. */
export function withoutEntry<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
	const next = new Map(map);
	next.delete(key);
	return next;
}

/**
 * A reply sent in the asker's last second may arrive after it gave up, and be lost: then the answer
 * goes to its durable answer subject instead.
 */
const REPLY_MARGIN_MS = 1_000;

/** An answer as its asker reads it: where it goes and its bytes. */
export interface AnswerDelivery {
	subject: string;
	data: Uint8Array;
}

/**
 * Exactly one delivery per answer, so an asker that both requests and listens on its own subjects
 * handles it once: the reply while the asker still waits on it (its stated timeout, else the
 * seed's 5 s, less a second for the reply to travel), otherwise its durable answer subject, which
 * the inbox stream keeps. In the asker's own format.
 */
export function answerDelivery(
	item: InboxItem,
	answer: HumanAnswer,
	by: { id: string; name: string },
	now: Date
): AnswerDelivery {
	if (item.origin.dialect === 'seed') {
		const stillWaiting =
			item.reply !== null && item.waitsUntil !== null && now.getTime() <= item.waitsUntil - REPLY_MARGIN_MS;
		return {
			subject: stillWaiting ? item.reply! : seedSubjects.direct(item.from, 'answer'),
			data: encodeEnvelope(createAnswerEnvelope(item.origin.envelope, answer, by, now))
		};
	}
	return {
		subject: voltaSubjects.message(item.from),
		data: new TextEncoder().encode(JSON.stringify(createVoltaResponse(item.origin.message, answer, by, now)))
	};
}
