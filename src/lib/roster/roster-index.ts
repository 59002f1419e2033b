/**
 * The roster kept in order as sightings arrive, for thousands of agents. Folding a batch touches only
 * the agents in it: no copy of the whole roster, and no full re-sort. Only agents whose place can
 * change (new, renamed, or moved between online, stale and offline) are taken out, sorted among
 * themselves and merged back. A whole roster copied and sorted on every frame made 10,000 agents take
 * over a second to arrive (docs/benchmarks.md).
 */
import {
	agentState,
	compareAgents,
	fold,
	newAgent,
	type AgentState,
	type Roster,
	type RosterAgent,
	type Sighting
} from './roster';

export class RosterIndex {
	readonly #agents = new Map<string, RosterAgent>();
	/** Each agent's state as of the last `apply` or `tick`: what its place in the order is based on. */
	readonly #states = new Map<string, AgentState>();
	#ordered: RosterAgent[] = [];
	/** Where each agent is in `#ordered`. */
	readonly #positions = new Map<string, number>();
	/** Agents to take out and put back in their place on the next read of `ordered`. */
	readonly #moved = new Set<string>();
	#counts: Record<AgentState, number> = { online: 0, stale: 0, offline: 0 };

	/** Every agent, by id. The same map for the index's lifetime: read it, never change it. */
	get agents(): Roster {
		return this.#agents;
	}

	get counts(): Readonly<Record<AgentState, number>> {
		return this.#counts;
	}

	/** The state the order and the counts are based on (as of the last apply or tick). */
	stateOf = (agent: RosterAgent): AgentState => this.#states.get(agent.id) ?? 'offline';

	/** Folds sightings in. */
	apply(sightings: readonly Sighting[], now: number): void {
		for (const s of sightings) {
			const before = this.#agents.get(s.id);
			const after = fold(before ?? newAgent(s), s);
			this.#agents.set(s.id, after);
			const state = agentState(after, now);
			const was = this.#states.get(s.id);
			if (was !== state) {
				if (was) this.#counts[was] -= 1;
				this.#counts[state] += 1;
				this.#states.set(s.id, state);
			}
			const position = this.#positions.get(s.id);
			if (position === undefined || was !== state || before!.name !== after.name) this.#moved.add(s.id);
			else this.#ordered[position] = after;
		}
	}

	/**
	 * Brings every agent's state up to `now` (agents fall silent without a message saying so).
	 * Returns whether any changed.
	 */
	tick(now: number): boolean {
		let changed = false;
		for (const [id, agent] of this.#agents) {
			const state = agentState(agent, now);
			const was = this.#states.get(id)!;
			if (state === was) continue;
			this.#counts[was] -= 1;
			this.#counts[state] += 1;
			this.#states.set(id, state);
			this.#moved.add(id);
			changed = true;
		}
		return changed;
	}

	/** Every agent in the roster's order: online first, then stale, then offline; by name within each. */
	get ordered(): readonly RosterAgent[] {
		if (this.#moved.size > 0) this.#reorder();
		return this.#ordered;
	}

	#reorder() {
		const movedIds = new Set(this.#moved);
		this.#moved.clear();
		const moved = [...movedIds].map((id) => this.#agents.get(id)!);
		const order = (a: RosterAgent, b: RosterAgent) => compareAgents(a, this.stateOf(a), b, this.stateOf(b));
		moved.sort(order);
		const staying = this.#ordered.filter((agent) => !movedIds.has(agent.id));
		// Each moved agent's place among the others by binary search: a few dozen comparisons per agent
		// rather than one per agent on the roster (the collator's compare is what costs).
		const merged: RosterAgent[] = [];
		let from = 0;
		for (const agent of moved) {
			let low = from;
			let high = staying.length;
			while (low < high) {
				const middle = (low + high) >>> 1;
				if (order(staying[middle], agent) <= 0) low = middle + 1;
				else high = middle;
			}
			for (let i = from; i < low; i++) merged.push(staying[i]);
			merged.push(agent);
			from = low;
		}
		for (let i = from; i < staying.length; i++) merged.push(staying[i]);
		this.#ordered = merged;
		this.#positions.clear();
		merged.forEach((agent, position) => this.#positions.set(agent.id, position));
	}
}
