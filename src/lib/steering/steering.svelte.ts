/**
 * Steering in the page: the audit trail as every console sees it (replayed on join, then live), the
 * orders and pings this person sends, and what became of each, in words. One per joined session.
 */
import type { BusConnection } from '$lib/connection/ui';
import { describeError } from '$lib/connection';
import { AUDIT_SUBJECTS, toJsonLines, type AuditRecord, type Steer, type Steerer } from '$lib/protocol';
import { decodeAuditEntry, openAudit, replayAudit, type InvalidAuditEntry } from './audit-store';
import { dialectFor, pingAgent, steerAgent, SteerError } from './steer';

/** What the steering panel needs of an agent (a roster entry has it all). */
export interface SteerableAgent {
	id: string;
	name: string;
	dialects: readonly string[];
}

export type SteerOutcome = { tone: 'ok' | 'error'; text: string; at: number };

export class CrewSteering {
	/** Every record kept, oldest first: what this console and all the others did. */
	records = $state.raw<AuditRecord[]>([]);
	/** What the audit subjects held that is not a record: counted and shown, never trusted. */
	invalid = $state.raw<InvalidAuditEntry[]>([]);
	/** Why the trail cannot be read or written here (storage missing, permission), in words. */
	problem = $state<string | null>(null);
	/** The last outcome per agent: sent, refused, pong in N ms. */
	outcomes = $state.raw<ReadonlyMap<string, SteerOutcome>>(new Map());
	/** Agents with an order or ping in flight. */
	busy = $state.raw<ReadonlySet<string>>(new Set());

	#bus: BusConnection;
	#seen = new Set<string>();
	#stops: Array<() => void> = [];
	#generation = 0;

	constructor(bus: BusConnection) {
		this.#bus = bus;
	}

	/** Listens for new records first, then reads what is kept: nothing written meanwhile is missed. */
	start(): void {
		this.stop();
		const generation = this.#generation;
		this.#stops.push(
			this.#bus.subscribe(AUDIT_SUBJECTS, (msg) => {
				const read = decodeAuditEntry(msg.subject, msg.data, Date.now());
				if (read.ok) this.#add([read.record]);
				else this.invalid = [...this.invalid, read.entry];
			})
		);
		const nc = this.#bus.nats;
		void (async () => {
			try {
				await openAudit(nc);
				await replayAudit(nc, (records, invalid) => {
					if (generation !== this.#generation) return;
					this.#add(records);
					if (invalid.length) this.invalid = [...this.invalid, ...invalid];
				});
			} catch (error) {
				if (generation === this.#generation)
					this.problem = `The audit trail cannot be read: ${describeError(error)}. Steering is refused until it can be kept.`;
			}
		})();
	}

	stop(): void {
		this.#generation += 1;
		for (const stop of this.#stops.splice(0)) stop();
		this.records = [];
		this.invalid = [];
		this.#seen.clear();
		this.problem = null;
	}

	/** Records about one agent, oldest first. */
	recordsFor(agentId: string): AuditRecord[] {
		return this.records.filter((record) => record.agent === agentId);
	}

	/** JSON Lines: every record (or one agent's), oldest first, each exactly as kept. */
	exportJsonLines(agentId?: string): string {
		return toJsonLines(agentId ? this.recordsFor(agentId) : this.records);
	}

	/** Sends an order in the agent's dialect; resolves true when it went out and was recorded. */
	async steer(agent: SteerableAgent, steer: Steer, me: Steerer): Promise<boolean> {
		const dialect = dialectFor(agent.dialects);
		if (!dialect)
			return this.#say(agent.id, 'error', `${agent.name} has not said which protocol it speaks yet.`);
		return this.#run(agent.id, async () => {
			const record = await steerAgent(this.#bus.nats, { id: agent.id, name: agent.name, dialect }, steer, me);
			this.#add([record]);
			return `${record.summary}. Its roster entry shows the effect once it confirms.`;
		});
	}

	async ping(agent: SteerableAgent, me: Steerer): Promise<boolean> {
		const dialect = dialectFor(agent.dialects);
		if (!dialect)
			return this.#say(agent.id, 'error', `${agent.name} has not said which protocol it speaks yet.`);
		return this.#run(agent.id, async () => {
			const { roundTripMs, record } = await pingAgent(
				this.#bus.nats,
				{ id: agent.id, name: agent.name, dialect },
				me
			);
			this.#add([record]);
			return `Pong from ${agent.name} in ${roundTripMs} ms.`;
		});
	}

	async #run(agentId: string, work: () => Promise<string>): Promise<boolean> {
		if (this.problem) return this.#say(agentId, 'error', this.problem);
		this.busy = new Set([...this.busy, agentId]);
		try {
			return this.#say(agentId, 'ok', await work());
		} catch (error) {
			// Steering's own errors are whole sentences that say what to do; anything else is a clause.
			const words = error instanceof SteerError ? error.message : `${describeError(error)}.`;
			return this.#say(agentId, 'error', words);
		} finally {
			this.busy = new Set([...this.busy].filter((id) => id !== agentId));
		}
	}

	#say(agentId: string, tone: 'ok' | 'error', text: string): boolean {
		const outcomes = new Map(this.outcomes);
		outcomes.set(agentId, { tone, text, at: Date.now() });
		this.outcomes = outcomes;
		return tone === 'ok';
	}

	/** Adds records not seen yet (the same record may come live and from the replay), in time order. */
	#add(records: readonly AuditRecord[]) {
		const fresh = records.filter((record) => {
			const key = JSON.stringify(record);
			if (this.#seen.has(key)) return false;
			this.#seen.add(key);
			return true;
		});
		if (fresh.length === 0) return;
		this.records = [...this.records, ...fresh].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
	}
}
