/**
 * The roster as plain data: every agent seen on the bus, from either seed dialect, folded from
 * sightings. No server keeps a registry; this is built from the traffic itself.
 */
import {
	AGENT_KINDS,
	decode,
	parseTimestamp,
	messageType,
	summarize,
	LEAVING_STATUSES,
	readPresenceFields,
	type AgentKind,
	type Decoded,
	type ListedAgent,
	type MessageSummary
} from '../protocol';
import { isStoredSubject } from '../storage';

/** The seeds' rule: an agent that has said nothing for 90 s is no longer online. */
export const ONLINE_WINDOW_MS = 90_000;
/** Silent this long, an agent is offline rather than stale (probably gone, not just busy). */
export const OFFLINE_AFTER_MS = 5 * 60_000;
const RECENT_LIMIT = 20;

export type AgentState = 'online' | 'stale' | 'offline';
export type Dialect = 'seed' | 'volta';

export interface RecentMessage {
	readonly at: number;
	readonly subject: string;
	readonly type: string;
	readonly preview: string;
}

export interface RosterAgent {
	id: string;
	name: string;
	kind: AgentKind;
	dialects: Dialect[];
	team: string | null;
	capabilities: string[];
	/** The last status word it sent: `alive`, `started`, `online`, … */
	status: string | null;
	/** The work stream it is on, from status updates and task claims. */
	workStream: string | null;
	/**
	 * When the message that set `status`, and the one that set `workStream`, was sent (-Infinity:
	 * never). Each field keeps its own time: a status update read after a later question from the same
	 * agent still sets the work stream, which the question does not speak of.
	 */
	statusAt: number;
	workStreamAt: number;
	/**
	 * When the newest message that said who it is (name, kind, team, capabilities, announcement) was
	 * sent. An older one read later (the history, replayed after live traffic) only fills in what
	 * nothing newer said.
	 */
	identityAt: number;
	firstSeen: number;
	lastSeen: number;
	/**
	 * When it was last seen on a subject the server keeps (presence, announcements, questions): what
	 * every console knows alike, so what `mcp.list_agents` answers from. Null: seen only live.
	 */
	storedSeen: number | null;
	/** When it said it was leaving; null while it has not (or came back). */
	leftAt: number | null;
	/** What it announced about itself, as it sent it. */
	announce: Record<string, unknown> | null;
	/** Its latest messages, newest first. */
	recent: RecentMessage[];
}

export type Roster = ReadonlyMap<string, RosterAgent>;

/** What one message says about one agent. */
export interface Sighting {
	id: string;
	dialect: Dialect;
	at: number;
	kind?: AgentKind;
	name?: string;
	team?: string;
	capabilities?: string[];
	status?: string;
	/** A string sets it, null clears it (work done), undefined leaves it. */
	workStream?: string | null;
	leaving?: boolean;
	announce?: Record<string, unknown>;
	message: RecentMessage;
	/** Seen on a subject the server keeps, sent at this time (see `storedSeen`). */
	storedAt?: number;
}

const isLeaving = (status: unknown) =>
	typeof status === 'string' && (LEAVING_STATUSES as readonly string[]).includes(status);

/** A recent message whose preview is worked out only when someone looks at it. */
class LazyRecentMessage implements RecentMessage {
	#summary: (() => MessageSummary) | null;
	#preview = '';

	constructor(
		readonly at: number,
		readonly subject: string,
		readonly type: string,
		summary: () => MessageSummary
	) {
		this.#summary = summary;
	}

	get preview(): string {
		if (this.#summary) {
			this.#preview = this.#summary().preview;
			this.#summary = null;
		}
		return this.#preview;
	}
}

/**
 * Reads who a valid message is from and what it says about them; null for invalid messages.
 * Called for every message on the bus, so it builds each sighting in one object literal: spreading
 * a built object into another cost ~7 µs a message in V8 (docs/benchmarks.md).
 */
export function sightingOf(
	decoded: Decoded,
	subject: string,
	at: number,
	summary: () => MessageSummary = () => summarize(decoded, () => '')
): Sighting | null {
	const sighting = sightingOfMessage(decoded, subject, at, summary);
	if (sighting && isStoredSubject(subject)) sighting.storedAt = sentAt(decoded, at);
	return sighting;
}

/**
 * When the sender says it sent the message: the same bytes for every console, live or replayed, so
 * every console reports the same `lastSeen`. Arrival instead when the sender's clock is off by more
 * than five minutes, or it gave no time.
 */
function sentAt(decoded: Decoded, at: number): number {
	if (!decoded.ok) return at;
	const raw = decoded.dialect === 'seed' ? decoded.envelope.timestamp : decoded.payload.value.timestamp;
	const sent = typeof raw === 'string' ? parseTimestamp(raw)?.getTime() : undefined;
	return sent !== undefined && Math.abs(sent - at) <= 5 * 60_000 ? sent : at;
}

function sightingOfMessage(
	decoded: Decoded,
	subject: string,
	at: number,
	summary: () => MessageSummary
): Sighting | null {
	if (!decoded.ok) return null;
	const message = new LazyRecentMessage(at, subject, messageType(decoded), summary);
	if (decoded.dialect === 'seed') {
		const { envelope } = decoded;
		const content = envelope.content;
		const presence = readPresenceFields(content);
		const type = envelope.message_type;
		const status = typeof content.status === 'string' ? content.status : undefined;
		// Both names appear in the orchestrator's documents and code.
		const named = content.work_stream_id ?? content.work_stream;
		const workStream = typeof named === 'string' ? named : undefined;
		let id = envelope.from_agent;
		let sightingWorkStream: string | null | undefined;
		if (type === 'status_update') sightingWorkStream = workStream;
		else if (type === 'task_assigned' || type === 'task_complete' || type === 'task_failed') {
			if (typeof content.agent_id === 'string' && content.agent_id) id = content.agent_id;
			const done = type !== 'task_assigned' || content.action === 'release';
			sightingWorkStream = done ? null : workStream;
		}
		return {
			id,
			dialect: 'seed',
			at,
			message,
			kind: presence.kind,
			name: presence.name,
			team: presence.team,
			capabilities: presence.capabilities,
			status: type === 'status_update' || type === 'heartbeat' ? status : undefined,
			workStream: sightingWorkStream,
			leaving: type === 'status_update' ? isLeaving(status) : undefined,
			announce: type === 'status_update' && status === 'online' && presence.kind ? content : undefined
		};
	}
	const { payload } = decoded;
	switch (payload.kind) {
		case 'announce': {
			const kind = (AGENT_KINDS as readonly unknown[]).includes(payload.value.kind)
				? (payload.value.kind as AgentKind)
				: undefined;
			const team = typeof payload.value.team === 'string' ? payload.value.team : undefined;
			return {
				id: payload.value.id,
				dialect: 'volta',
				at,
				message,
				kind,
				team,
				name: payload.value.name,
				capabilities: payload.value.capabilities,
				status: 'online',
				announce: payload.value
			};
		}
		case 'status':
		case 'heartbeat':
			return {
				id: payload.value.agentId,
				dialect: 'volta',
				at,
				message,
				status: payload.value.status,
				leaving: payload.value.status === 'offline' || payload.value.status === 'stopping'
			};
		case 'message':
		case 'capability_request':
			return { id: payload.value.from, dialect: 'volta', at, message };
		case 'list_agents':
		case 'get_agent_info':
			return payload.value.requestFrom
				? { id: payload.value.requestFrom, dialect: 'volta', at, message }
				: null;
	}
}

/** Whether two sightings say the same about their agent (the messages they came in aside). */
function sameContent(a: Sighting, b: Sighting): boolean {
	return (
		a.dialect === b.dialect &&
		a.kind === b.kind &&
		a.name === b.name &&
		a.team === b.team &&
		a.status === b.status &&
		a.workStream === b.workStream &&
		a.leaving === b.leaving &&
		sameList(a.capabilities, b.capabilities) &&
		(a.announce === b.announce || JSON.stringify(a.announce) === JSON.stringify(b.announce))
	);
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
	if (a === b) return true;
	if (!a || !b || a.length !== b.length) return false;
	return a.every((item, i) => item === b[i]);
}

/**
 * The sightings that change what `applySightings` makes of these, in order: the rest are left out.
 * One is left out when a later one kept from the same agent says the same about it (so every field
 * it sets is set again, later), its message would be pushed out of the agent's recent messages by
 * the kept ones after it, it is not the agent's first here (which `firstSeen` comes from) and it was
 * not stored later than they were. 20,000 status updates from one agent become about 21. Used to
 * hold a long presence history folded in turns, in the memory of what it shows.
 */
export function compactSightings(sightings: readonly Sighting[]): Sighting[] {
	const first = new Map<string, number>();
	sightings.forEach((s, i) => {
		if (!first.has(s.id)) first.set(s.id, i);
	});
	const kept: Sighting[] = [];
	const after = new Map<string, { next: Sighting; count: number; storedAt: number }>();
	for (let i = sightings.length - 1; i >= 0; i--) {
		const s = sightings[i];
		const later = after.get(s.id);
		const redundant =
			later !== undefined &&
			first.get(s.id) !== i &&
			later.count >= RECENT_LIMIT &&
			(s.storedAt === undefined || s.storedAt <= later.storedAt) &&
			sameContent(s, later.next);
		if (redundant) continue;
		kept.push(s);
		after.set(s.id, {
			next: s,
			count: (later?.count ?? 0) + 1,
			storedAt: Math.max(later?.storedAt ?? Number.NEGATIVE_INFINITY, s.storedAt ?? Number.NEGATIVE_INFINITY)
		});
	}
	return kept.reverse();
}

export function newAgent(sighting: Sighting): RosterAgent {
	return {
		id: sighting.id,
		name: sighting.id,
		kind: 'external',
		dialects: [],
		team: null,
		capabilities: [],
		status: null,
		workStream: null,
		statusAt: Number.NEGATIVE_INFINITY,
		workStreamAt: Number.NEGATIVE_INFINITY,
		identityAt: Number.NEGATIVE_INFINITY,
		firstSeen: sighting.at,
		lastSeen: sighting.at,
		storedSeen: null,
		leftAt: null,
		announce: null,
		recent: []
	};
}

/** The newest RECENT_LIMIT messages, newest first; live traffic almost always lands at the front. */
function withRecent(recent: RecentMessage[], message: RecentMessage): RecentMessage[] {
	if (recent.length === 0 || message.at >= recent[0].at) {
		// By hand: a spread of a slice was most of a heartbeat's cost on a 10,000-agent roster.
		const next = new Array<RecentMessage>(Math.min(recent.length + 1, RECENT_LIMIT));
		next[0] = message;
		for (let i = 1; i < next.length; i++) next[i] = recent[i - 1];
		return next;
	}
	return [message, ...recent].sort((a, b) => b.at - a.at).slice(0, RECENT_LIMIT);
}

/**
 * Words that say only whether an agent is there. They never hide what it last said it was doing:
 * a heartbeat's "alive" after "blocked" leaves "blocked" on its row (its state column says the rest).
 */
export const PRESENCE_WORDS: ReadonlySet<string> = new Set([
	'alive',
	'healthy',
	'online',
	'offline',
	'stopping',
	'stopped'
]);

const replacesStatus = (next: string, current: string | null) =>
	!PRESENCE_WORDS.has(next) || current === null || PRESENCE_WORDS.has(current);

/** An agent with one more sighting folded in: a new object, the old one untouched. */
export function fold(agent: RosterAgent, s: Sighting): RosterAgent {
	// Replayed history can arrive after live traffic: an older sighting never moves lastSeen back.
	// One literal naming every field: spreading `agent` into a new object is several times slower.
	const newer = s.at >= agent.lastSeen;
	const setsStatus =
		s.status !== undefined && s.at >= agent.statusAt && replacesStatus(s.status, agent.status);
	const setsWorkStream = s.workStream !== undefined && s.at >= agent.workStreamAt;
	// Who it says it is: from the newest message that says so; an older one fills in only what is unsaid.
	const current = s.at >= agent.identityAt;
	const speaks =
		s.name !== undefined ||
		s.kind !== undefined ||
		s.team !== undefined ||
		s.capabilities !== undefined ||
		s.announce !== undefined;
	return {
		id: agent.id,
		name: s.name !== undefined && (current || agent.name === agent.id) ? s.name : agent.name,
		kind: s.kind !== undefined && (current || agent.kind === 'external') ? s.kind : agent.kind,
		dialects: agent.dialects.includes(s.dialect) ? agent.dialects : [...agent.dialects, s.dialect],
		team: s.team !== undefined && (current || agent.team === null) ? s.team : agent.team,
		capabilities:
			s.capabilities !== undefined && (current || agent.capabilities.length === 0)
				? s.capabilities
				: agent.capabilities,
		status: setsStatus ? s.status! : agent.status,
		workStream: setsWorkStream ? s.workStream! : agent.workStream,
		statusAt: setsStatus ? s.at : agent.statusAt,
		workStreamAt: setsWorkStream ? s.at : agent.workStreamAt,
		identityAt: speaks && current ? s.at : agent.identityAt,
		firstSeen: Math.min(agent.firstSeen, s.at),
		lastSeen: Math.max(agent.lastSeen, s.at),
		storedSeen:
			s.storedAt !== undefined ? Math.max(agent.storedSeen ?? s.storedAt, s.storedAt) : agent.storedSeen,
		leftAt: newer ? (s.leaving ? s.at : null) : agent.leftAt,
		announce: s.announce !== undefined && (current || agent.announce === null) ? s.announce : agent.announce,
		recent: withRecent(agent.recent, s.message)
	};
}

/** Folds a batch of sightings into the roster; returns a new roster, the old one is untouched. */
export function applySightings(roster: Roster, sightings: readonly Sighting[]): Roster {
	if (sightings.length === 0) return roster;
	const next = new Map(roster);
	for (const s of sightings) next.set(s.id, fold(next.get(s.id) ?? newAgent(s), s));
	return next;
}

export function agentState(agent: RosterAgent, now: number): AgentState {
	if (agent.leftAt !== null) return 'offline';
	const silence = now - agent.lastSeen;
	if (silence < ONLINE_WINDOW_MS) return 'online';
	return silence < OFFLINE_AFTER_MS ? 'stale' : 'offline';
}

export interface RosterFilter {
	text?: string;
	kind?: AgentKind | '';
	state?: AgentState | '';
	team?: string;
	capability?: string;
}

const STATE_ORDER: Record<AgentState, number> = { online: 0, stale: 1, offline: 2 };
/** One collator for every sort: `localeCompare` builds one per call, which a 1,000-agent sort felt. */
const byName = new Intl.Collator();

/** The roster's order: online first, then stale, then offline; by name within each, then by id. */
export function compareAgents(
	a: RosterAgent,
	aState: AgentState,
	b: RosterAgent,
	bState: AgentState
): number {
	return (
		STATE_ORDER[aState] - STATE_ORDER[bState] ||
		byName.compare(a.name, b.name) ||
		(a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
	);
}

/** What a search looks through, per agent object (a new object replaces it when anything changes). */
const haystacks = new WeakMap<RosterAgent, string>();
function haystackOf(agent: RosterAgent): string {
	let haystack = haystacks.get(agent);
	if (haystack === undefined) {
		haystack = [agent.id, agent.name, agent.team ?? '', agent.workStream ?? '', ...agent.capabilities]
			.join(' ')
			.toLowerCase();
		haystacks.set(agent, haystack);
	}
	return haystack;
}

/** The agents of an already ordered list that a person asked for, in the same order. */
export function filterOrdered(
	ordered: readonly RosterAgent[],
	filter: RosterFilter,
	stateOf: (agent: RosterAgent) => AgentState
): RosterAgent[] {
	const text = filter.text?.trim().toLowerCase() ?? '';
	const team = filter.team?.trim().toLowerCase() ?? '';
	const capability = filter.capability?.trim().toLowerCase() ?? '';
	const result: RosterAgent[] = [];
	for (const agent of ordered) {
		if (filter.kind && agent.kind !== filter.kind) continue;
		if (filter.state && stateOf(agent) !== filter.state) continue;
		if (team && !(agent.team ?? '').toLowerCase().includes(team)) continue;
		if (capability && !agent.capabilities.some((c) => c.toLowerCase().includes(capability))) continue;
		if (text && !haystackOf(agent).includes(text)) continue;
		result.push(agent);
	}
	return result;
}

/** The agents a person asked for, online first, then by name. */
export function filterRoster(roster: Roster, filter: RosterFilter, now: number): RosterAgent[] {
	const ordered = [...roster.values()]
		.map((agent) => ({ agent, state: agentState(agent, now) }))
		.sort((a, b) => compareAgents(a.agent, a.state, b.agent, b.state))
		.map((entry) => entry.agent);
	return filterOrdered(ordered, filter, (agent) => agentState(agent, now));
}

export function countByState(roster: Roster, now: number): Record<AgentState, number> {
	const counts = { online: 0, stale: 0, offline: 0 };
	for (const agent of roster.values()) counts[agentState(agent, now)] += 1;
	return counts;
}

/** The roster in Volta's `mcp.list_agents` reply format; stale counts as offline, as Volta's 90 s rule says. */
export function toListedAgents(
	roster: Roster,
	status: 'all' | 'online' | 'offline',
	now: number
): ListedAgent[] {
	const listed: ListedAgent[] = [];
	for (const agent of roster.values()) {
		if (agent.storedSeen === null) continue;
		const entry = toListedAgent(agent, now)!;
		if (status !== 'all' && entry.status !== status) continue;
		listed.push(entry);
	}
	return listed;
}

/**
 * One agent in Volta's list format, as every console knows it: from what the server keeps, not from
 * what this console happened to see live (null when it was seen only live). Also the reply to
 * `mcp.get_agent_info`.
 */
export function toListedAgent(agent: RosterAgent, now: number): ListedAgent | null {
	if (agent.storedSeen === null) return null;
	const online = agent.leftAt === null && now - agent.storedSeen < ONLINE_WINDOW_MS;
	return {
		id: agent.id,
		name: agent.name,
		status: online ? 'online' : 'offline',
		lastSeen: new Date(agent.storedSeen).toISOString(),
		capabilities: agent.capabilities
	};
}

/** "just now", "45 s ago", "3 min ago", "2 h ago". */
export function sinceText(then: number, now: number): string {
	const seconds = Math.max(0, Math.round((now - then) / 1000));
	if (seconds < 5) return 'just now';
	if (seconds < 90) return `${seconds} s ago`;
	const minutes = Math.round(seconds / 60);
	if (minutes < 90) return `${minutes} min ago`;
	return `${Math.round(minutes / 60)} h ago`;
}

/** Sightings from stored messages (the presence history), each at the time the server stored it. */
export function sightingsFrom(
	messages: ReadonlyArray<{ subject: string; data: Uint8Array; at: number }>
): Sighting[] {
	const sightings: Sighting[] = [];
	for (const m of messages) {
		const decoded = decode(m.subject, m.data);
		const sighting = sightingOf(decoded, m.subject, m.at);

		if (sighting) sightings.push(sighting);
	}
	return sightings;
}
