/**
 * How a Switchboard participant (a person, or an agent hosted in a page) shows itself on the bus, in
 * both seed dialects, and how a roster is handed to Volta Shell agents. See docs/protocol.md §5.
 */
import { formatIsoTimestamp } from './timestamps';

export const AGENT_KINDS = ['human', 'browser', 'external'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

export interface AgentIdentity {
	/** One subject token: no dots, so it fits every subject of both dialects. */
	id: string;
	name: string;
	kind: AgentKind;
	team?: string;
	capabilities: string[];
}

export interface PresenceFields {
	kind?: AgentKind;
	name?: string;
	team?: string;
	capabilities?: string[];
}

/**
 * The presence keys Switchboard adds to seed content (the seed ignores keys it does not know), each
 * taken only when it has the right type. Read by hand, not by a schema: the roster calls this for
 * every envelope on the bus (docs/benchmarks.md).
 */
export function readPresenceFields(content: Record<string, unknown>): PresenceFields {
	const { kind, name, team, capabilities } = content;
	return {
		kind: (AGENT_KINDS as readonly unknown[]).includes(kind) ? (kind as AgentKind) : undefined,
		name: typeof name === 'string' ? name : undefined,
		team: typeof team === 'string' ? team : undefined,
		capabilities:
			Array.isArray(capabilities) && capabilities.every((c) => typeof c === 'string')
				? (capabilities as string[])
				: undefined
	};
}

/** The status values that say an agent has left (ours, and the seed's own stop). */
export const LEAVING_STATUSES = ['offline', 'stopped', 'stopping'] as const;

/** Who an agent is, as its presence messages repeat it: a console that missed the announce still names it. */
export function identityFields(identity: AgentIdentity) {
	return {
		kind: identity.kind,
		name: identity.name,
		...(identity.team ? { team: identity.team } : {}),
		capabilities: identity.capabilities
	};
}

/** Content of the `status_update` broadcast that announces a participant. */
export function announceContent(identity: AgentIdentity): Record<string, unknown> {
	return { status: 'online', ...identityFields(identity) };
}

/** Content of the `status_update` broadcast that says a participant left. */
export function leaveContent(identity: AgentIdentity): Record<string, unknown> {
	return { status: 'offline', ...identityFields(identity) };
}

/** Content of the seed heartbeat (`status: alive`, uptime in seconds), with who we are. */
export function heartbeatContent(identity: AgentIdentity, uptimeSeconds: number): Record<string, unknown> {
	return { status: 'alive', uptime: Math.round(uptimeSeconds), ...identityFields(identity) };
}

/** Volta's `agent.announce`, so Volta agents can message the participant. */
export function voltaAnnounceFor(identity: AgentIdentity, now = new Date()) {
	return {
		id: identity.id,
		name: identity.name,
		capabilities: identity.capabilities,
		timestamp: formatIsoTimestamp(now),
		kind: identity.kind,
		...(identity.team ? { team: identity.team } : {})
	};
}

export function voltaHeartbeatFor(
	identity: AgentIdentity,
	uptimeMs: number,
	tasksProcessed = 0,
	now = new Date()
) {
	return {
		agentId: identity.id,
		status: 'alive' as const,
		timestamp: formatIsoTimestamp(now),
		uptime: Math.round(uptimeMs),
		tasksProcessed
	};
}

export function voltaStatusFor(identity: AgentIdentity, status: 'online' | 'offline', now = new Date()) {
	return { agentId: identity.id, status, timestamp: formatIsoTimestamp(now) };
}

/** One agent in Volta's `mcp.list_agents` reply (its schema: contract-schemas.ts). */
export type { ListedAgent } from './contract-schemas';

/** Turns a display name into an id: lower-case letters, digits and dashes, plus a short random suffix. */
export function makeAgentId(name: string, random: () => number = Math.random): string {
	const slug =
		name
			.normalize('NFKD')
			.toLowerCase()
			.replace(/[^a-z0-9]+/gu, '-')
			.replace(/^-+|-+$/gu, '')
			.slice(0, 24) || 'agent';
	let suffix = '';
	for (let i = 0; i < 4; i++) suffix += Math.floor(random() * 36).toString(36);
	return `${slug}-${suffix}`;
}
