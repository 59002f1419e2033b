/**
 * Steering in the page: the orders and pings this person sends, and what became of each, in words.
 * Each is recorded in the audit trail, which every console shows. One per joined session.
 */
import type { BusConnection } from '$lib/connection/ui';
import { describeError } from '$lib/connection';
import type { AuditTrail } from '$lib/audit/ui';
import type { Steer, Steerer } from '$lib/protocol';
import { dialectFor, pingAgent, steerAgent, SteerError } from './steer';

/** What the steering panel needs of an agent (a roster entry has it all). */
export interface SteerableAgent {
	id: string;
	name: string;
	dialects: readonly string[];
}

export type SteerOutcome = { tone: 'ok' | 'error'; text: string; at: number };

export class CrewSteering {
	/** The last outcome per agent: sent, refused, pong in N ms. */
	outcomes = $state.raw<ReadonlyMap<string, SteerOutcome>>(new Map());
	/** Agents with an order or ping in flight. */
	busy = $state.raw<ReadonlySet<string>>(new Set());

	#bus: BusConnection;
	#trail: AuditTrail;

	constructor(bus: BusConnection, trail: AuditTrail) {
		this.#bus = bus;
		this.#trail = trail;
	}

	/** Sends an order in the agent's dialect; resolves true when it went out and was recorded. */
	async steer(agent: SteerableAgent, steer: Steer, me: Steerer): Promise<boolean> {
		const dialect = dialectFor(agent.dialects);
		if (!dialect)
			return this.#say(agent.id, 'error', `${agent.name} has not said which protocol it speaks yet.`);
		return this.#run(agent.id, async () => {
			const record = await steerAgent(this.#bus.nats, { id: agent.id, name: agent.name, dialect }, steer, me);
			this.#trail.add([record]);
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
			this.#trail.add([record]);
			return `Pong from ${agent.name} in ${roundTripMs} ms.`;
		});
	}

	async #run(agentId: string, work: () => Promise<string>): Promise<boolean> {
		if (this.#trail.problem) return this.#say(agentId, 'error', this.#trail.problem);
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
}
