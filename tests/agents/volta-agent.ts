/**
 * A Volta Shell agent and Volta's in-memory registry, in TypeScript on the NATS client, written from
 * Volta's wire contract (../shared/wire-contracts.md §B) for Switchboard's conformance tests. They do
 * what Volta's own code does and nothing Switchboard-specific:
 * - the agent announces once, sends `agent.{id}.status` and `agent.{id}.heartbeat` every 30 s, ignores
 *   messages from itself, and answers a `query` with two `response`s (an acknowledgement, then the
 *   answer) that copy the query's metadata and add `fromAgent`, `responseFrom`, `responseTime`;
 * - the registry keeps `lastSeen` from announces and status messages only (not heartbeats), counts an
 *   agent offline after 90 s without one, and answers `mcp.list_agents`.
 */
import type { Msg, NatsConnection } from '@nats-io/nats-core';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const OFFLINE_AFTER_MS = 90_000;

export interface McpMessage {
	from: string;
	to: string;
	message: string;
	type: 'text' | 'command' | 'query' | 'response';
	metadata?: Record<string, unknown>;
	timestamp: string;
}

export class VoltaAgent {
	/** Every message it received on its own subject, in order. */
	readonly received: McpMessage[] = [];
	#timers: ReturnType<typeof setInterval>[] = [];

	constructor(
		readonly nc: NatsConnection,
		readonly id: string,
		readonly name: string
	) {}

	async start(): Promise<void> {
		this.nc.subscribe(`agent.${this.id}.message`, { callback: (_e, msg) => this.#onMessage(msg) });
		this.nc.publish(
			'agent.announce',
			encode({ id: this.id, name: this.name, capabilities: ['code'], timestamp: new Date().toISOString() })
		);
		this.#timers.push(
			setInterval(() => {
				const timestamp = new Date().toISOString();
				this.nc.publish(`agent.${this.id}.status`, encode({ agentId: this.id, status: 'online', timestamp }));
				this.nc.publish(
					`agent.${this.id}.heartbeat`,
					encode({ agentId: this.id, status: 'alive', timestamp, uptime: 30_000, tasksProcessed: 0 })
				);
			}, 30_000)
		);
		await this.nc.flush();
	}

	/** Sends an MCPMessage, as Volta's `sendMessage` does. */
	send(to: string, message: string, type: McpMessage['type'], metadata: Record<string, unknown> = {}): void {
		const body: McpMessage = {
			from: this.id,
			to,
			message,
			type,
			metadata,
			timestamp: new Date().toISOString()
		};
		this.nc.publish(to === 'all' ? 'agent.broadcast' : `agent.${to}.message`, encode(body));
	}

	#onMessage(msg: Msg) {
		const message = msg.json<McpMessage>();
		if (message.from === this.id) return;
		this.received.push(message);
		if (message.type !== 'query') return;
		const reply = (text: string) =>
			this.send(message.from, text, 'response', {
				...message.metadata,
				fromAgent: this.id,
				responseFrom: this.id,
				responseTime: new Date().toISOString()
			});
		reply(`Received your query: ${message.message}`);
		reply(`Answer to: ${message.message}`);
	}

	stop(): void {
		for (const timer of this.#timers.splice(0)) clearInterval(timer);
	}
}

export interface RegistryEntry {
	id: string;
	name: string;
	capabilities: string[];
	lastSeen: number;
}

export class VoltaRegistry {
	readonly agents = new Map<string, RegistryEntry>();
	/** Every status message it counted, by agent, with when. */
	readonly statusTimes = new Map<string, number[]>();

	constructor(readonly nc: NatsConnection) {}

	start(): void {
		this.nc.subscribe('agent.announce', {
			callback: (_e, msg) => {
				const a = msg.json<{ id: string; name: string; capabilities: string[] }>();
				this.agents.set(a.id, { id: a.id, name: a.name, capabilities: a.capabilities, lastSeen: Date.now() });
			}
		});
		this.nc.subscribe('agent.*.status', {
			callback: (_e, msg) => {
				const s = msg.json<{ agentId: string; status: string }>();
				const known = this.agents.get(s.agentId);
				if (known) known.lastSeen = Date.now();
				this.statusTimes.set(s.agentId, [...(this.statusTimes.get(s.agentId) ?? []), Date.now()]);
			}
		});
	}

	/** Volta's list at a given moment: online when seen within the last 90 s. */
	list(now = Date.now()) {
		return [...this.agents.values()].map((a) => ({
			id: a.id,
			name: a.name,
			status: now - a.lastSeen < OFFLINE_AFTER_MS ? 'online' : 'offline',
			lastSeen: new Date(a.lastSeen).toISOString(),
			capabilities: a.capabilities
		}));
	}
}
