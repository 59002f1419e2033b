/**
 * Subjects of both seed systems, built and parsed only here.
 *
 * Orchestrator agent ids may contain dots (`coder-2.1-1733409000`), so `orchestrator.agent.…` and
 * `orchestrator.team.…` are parsed from the right: the last token is the message type.
 */
import { isMessageType, type MessageType } from './envelope';

export type Route =
	| { kind: 'seed.broadcast'; type: MessageType }
	| { kind: 'seed.direct'; agentId: string; type: MessageType }
	| { kind: 'seed.team'; teamId: string; type: MessageType }
	| { kind: 'seed.queue'; queue: string }
	| { kind: 'volta.announce' }
	| { kind: 'volta.broadcast' }
	| { kind: 'volta.status' | 'volta.heartbeat' | 'volta.message'; agentId: string }
	| { kind: 'volta.list_agents' }
	| { kind: 'volta.get_agent_info' }
	| { kind: 'volta.capability_request' };

export type SeedRoute = Extract<Route, { kind: `seed.${string}` }>;
export type VoltaRoute = Extract<Route, { kind: `volta.${string}` }>;

export type RouteResult = { ok: true; route: Route } | { ok: false; reason: string };

/** Everything both seed systems publish that a console shows. */
export const TRAFFIC_SUBJECTS = ['orchestrator.>', 'agent.>'] as const;

// eslint-disable-next-line no-control-regex -- NUL cannot be in a subject
const FORBIDDEN_IN_TOKEN = /[\s.*>\u0000]/u;

/** One subject token: not empty, no dot, no wildcard, no white space. */
export function isValidToken(token: string): boolean {
	return token.length > 0 && !FORBIDDEN_IN_TOKEN.test(token);
}

/** An id that may span several tokens (`coder-2.1-1733409000`): every dotted part is a valid token. */
export function isValidDottedId(id: string): boolean {
	return id.length > 0 && id.split('.').every(isValidToken);
}

/** Thrown when a subject would be built from a token NATS cannot route. */
export class SubjectError extends Error {
	override name = 'SubjectError';
}

function requireDottedId(what: string, id: string): string {
	if (!isValidDottedId(id)) {
		throw new SubjectError(
			`${what} ${JSON.stringify(id)} cannot be used in a subject: use letters, digits, - or _ (dots only between parts), no spaces or * or >.`
		);
	}
	return id;
}

function requireType(type: string): MessageType {
	if (!isMessageType(type)) throw new SubjectError(`${JSON.stringify(type)} is not a known message type.`);
	return type;
}

export const seedSubjects = {
	broadcast: (type: MessageType) => `orchestrator.broadcast.${requireType(type)}`,
	direct: (agentId: string, type: MessageType) =>
		`orchestrator.agent.${requireDottedId('Agent id', agentId)}.${requireType(type)}`,
	/** What an agent subscribes to for everything sent to it directly. */
	directWildcard: (agentId: string) => `orchestrator.agent.${requireDottedId('Agent id', agentId)}.>`,
	team: (teamId: string, type: MessageType) =>
		`orchestrator.team.${requireDottedId('Team id', teamId)}.${requireType(type)}`,
	queue: (queue: string) => `orchestrator.queue.${requireDottedId('Queue name', queue)}`,
	/** The seed's queue group for a work queue. */
	queueGroup: (queue: string) => `${requireDottedId('Queue name', queue)}_workers`,
	broadcastWildcard: 'orchestrator.broadcast.>'
} as const;

export const voltaSubjects = {
	announce: 'agent.announce',
	broadcast: 'agent.broadcast',
	status: (agentId: string) => `agent.${requireDottedId('Agent id', agentId)}.status`,
	heartbeat: (agentId: string) => `agent.${requireDottedId('Agent id', agentId)}.heartbeat`,
	message: (agentId: string) => `agent.${requireDottedId('Agent id', agentId)}.message`,
	listAgents: 'mcp.list_agents',
	getAgentInfo: 'mcp.get_agent_info',
	capabilityRequest: 'capability.request'
} as const;

const VOLTA_AGENT_KINDS = {
	status: 'volta.status',
	heartbeat: 'volta.heartbeat',
	message: 'volta.message'
} as const;

/** Parsed subjects, by subject: a bus repeats a few hundred subjects endlessly. Bounded. */
const parsedSubjects = new Map<string, RouteResult>();
const PARSED_SUBJECTS_KEPT = 2_048;

/** Says which seed subject this is and what it names; never throws. The result is frozen and shared. */
export function parseSubject(subject: string): RouteResult {
	let result = parsedSubjects.get(subject);
	if (result) return result;
	result = readSubject(subject);
	if (result.ok) Object.freeze(result.route);
	Object.freeze(result);
	// Forgetting everything at the limit keeps this simple; a flood of distinct subjects costs a parse each.
	if (parsedSubjects.size >= PARSED_SUBJECTS_KEPT) parsedSubjects.clear();
	parsedSubjects.set(subject, result);
	return result;
}

function readSubject(subject: string): RouteResult {
	const tokens = subject.split('.');
	if (!tokens.every(isValidToken))
		return { ok: false, reason: `subject ${JSON.stringify(subject)} is malformed` };
	const [root, second] = tokens;

	if (root === 'orchestrator') {
		const last = tokens[tokens.length - 1];
		const middle = tokens.slice(2, -1).join('.');
		const badType = { ok: false, reason: `'${last}' in ${subject} is not a known message type` } as const;
		switch (second) {
			case 'broadcast':
				if (tokens.length !== 3) break;
				return isMessageType(last) ? { ok: true, route: { kind: 'seed.broadcast', type: last } } : badType;
			case 'agent':
				if (tokens.length < 4) break;
				return isMessageType(last)
					? { ok: true, route: { kind: 'seed.direct', agentId: middle, type: last } }
					: badType;
			case 'team':
				if (tokens.length < 4) break;
				return isMessageType(last)
					? { ok: true, route: { kind: 'seed.team', teamId: middle, type: last } }
					: badType;
			case 'queue':
				if (tokens.length < 3) break;
				return { ok: true, route: { kind: 'seed.queue', queue: tokens.slice(2).join('.') } };
		}
		return { ok: false, reason: `${subject} is not an orchestrator subject Switchboard knows` };
	}

	if (root === 'agent') {
		if (tokens.length === 2 && second === 'announce') return { ok: true, route: { kind: 'volta.announce' } };
		if (tokens.length === 2 && second === 'broadcast')
			return { ok: true, route: { kind: 'volta.broadcast' } };
		const last = tokens[tokens.length - 1];
		if (tokens.length >= 3 && last in VOLTA_AGENT_KINDS) {
			const kind = VOLTA_AGENT_KINDS[last as keyof typeof VOLTA_AGENT_KINDS];
			return { ok: true, route: { kind, agentId: tokens.slice(1, -1).join('.') } };
		}
		return { ok: false, reason: `${subject} is not a Volta Shell subject Switchboard knows` };
	}

	if (subject === voltaSubjects.listAgents) return { ok: true, route: { kind: 'volta.list_agents' } };
	if (subject === voltaSubjects.getAgentInfo) return { ok: true, route: { kind: 'volta.get_agent_info' } };
	if (subject === voltaSubjects.capabilityRequest)
		return { ok: true, route: { kind: 'volta.capability_request' } };
	return { ok: false, reason: `${subject} belongs to neither seed system` };
}

/** A subscription pattern: valid tokens, `*` for one token, `>` only as the last token. */
export function isValidPattern(pattern: string): boolean {
	const tokens = pattern.split('.');
	return tokens.every(
		(token, i) => token === '*' || (token === '>' && i === tokens.length - 1) || isValidToken(token)
	);
}

/** Does `subject` match the NATS pattern `pattern` (with `*` and `>`)? */
export function subjectMatches(pattern: string, subject: string): boolean {
	return covers(pattern, subject);
}

/** Does every subject `inner` matches also match `outer`? (`orchestrator.>` covers `orchestrator.agent.*.question`.) */
export function covers(outer: string, inner: string): boolean {
	const a = outer.split('.');
	const b = inner.split('.');
	for (let i = 0; i < a.length; i++) {
		if (a[i] === '>') return i < b.length;
		if (i >= b.length) return false;
		if (a[i] === '*') {
			if (b[i] === '>') return false;
			continue;
		}
		if (a[i] !== b[i]) return false;
	}
	return a.length === b.length;
}

/** Seed message types that report presence and progress: most of a busy bus, and nothing anyone waits on. */
const ROUTINE_SEED_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
	'heartbeat',
	'status_update',
	'task_assigned',
	'task_complete',
	'task_failed'
]);

/**
 * Whether a subject carries routine traffic: heartbeats, status updates, task claims and
 * announcements of either dialect. A console may take these in a little later, in slices between
 * frames; everything else (questions, blockers, answers, direct messages, requests, subjects it
 * does not know) is what a person or an agent waits on.
 */
export function isRoutineSubject(subject: string): boolean {
	const parsed = parseSubject(subject);
	if (!parsed.ok) return false;
	const { route } = parsed;
	switch (route.kind) {
		case 'seed.broadcast':
		case 'seed.direct':
		case 'seed.team':
			return ROUTINE_SEED_TYPES.has(route.type);
		case 'volta.status':
		case 'volta.heartbeat':
		case 'volta.announce':
			return true;
		default:
			return false;
	}
}
