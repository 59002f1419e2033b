/**
 * The live roster of the page: history replayed from JetStream on join, then every message the traffic
 * feed decodes, batched per frame. Answers Volta Shell's `mcp.list_agents` with what it knows.
 */
import { headers, type Msg } from '@nats-io/nats-core';
import { replayPresenceInBatches } from '$lib/presence';
import { StorageError } from '$lib/storage';
import { GetAgentInfoRequestSchema, ListAgentsRequestSchema, parseJson, voltaSubjects } from '$lib/protocol';
import {
	compactSightings,
	filterOrdered,
	sightingOf,
	sightingsFrom,
	toListedAgent,
	toListedAgents,
	type AgentState,
	type Roster,
	type RosterAgent,
	type RosterFilter,
	type Sighting
} from './roster';
import { RosterIndex } from './roster-index';
import type { BusConnection } from '$lib/connection/ui';
import { describeError, isNoResponders } from '$lib/connection';
import { nextFrame, nextTask } from '$lib/traffic';
import type { TrafficFeed } from '$lib/traffic/ui';

export type HistoryStatus =
	| { state: 'idle' | 'loading' }
	| { state: 'ready'; replayed: number }
	| { state: 'unavailable'; reason: string };

/** One answer per request, whichever console gets it. */
export const REGISTRY_QUEUE = 'switchboard_registry';
/** On every reply a console gives as Volta's registry: how consoles tell their own replies from another registry's. */
export const REGISTRY_HEADER = 'Switchboard-Registry';
/** How often a console looks again for another registry. */
const PROBE_EVERY_MS = 5 * 60_000;

/** Who answers Volta's registry requests on this bus. */
export type RegistryRole = { state: 'answering' } | { state: 'silent'; reason: string };

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/**
 * How many replayed sightings are held before those that change nothing are left out; after that,
 * twice as many as were left (so a history where little can be left out is not gone over again and
 * again: the work stays proportional to its length).
 */
const COMPACT_REPLAY_AT = 8_192;

/** A replay whose roster stopped, or that a newer replay replaced: nothing more is read or folded. */
class ReplayLeftOff extends Error {}

export class RosterState {
	/** Bumped whenever the roster changed: what its readers depend on. */
	version = $state(0);
	/** The clock states are computed against; ticks so silent agents turn stale on time. */
	now = $state(Date.now());
	history = $state.raw<HistoryStatus>({ state: 'idle' });
	filter = $state<RosterFilter>({ text: '', kind: '', state: '', team: '', capability: '' });
	/** The id of the agent whose details are open. */
	selected = $state<string | null>(null);
	/** Whether this console answers mcp.list_agents and mcp.get_agent_info (it stays silent beside Volta's own registry). */
	registry = $state.raw<RegistryRole>({ state: 'answering' });

	/** The agents a person asked for, in the roster's order (online first, then by name). */
	visible: readonly RosterAgent[] = $derived.by(() => {
		void this.version;
		return filterOrdered(this.#index.ordered, this.filter, this.#index.stateOf);
	});
	counts: Readonly<Record<AgentState, number>> = $derived.by(() => {
		void this.version;
		return { ...this.#index.counts };
	});

	/** Every agent seen, by id. */
	get agents(): Roster {
		void this.version;
		return this.#index.agents;
	}

	#index = new RosterIndex();

	#bus: BusConnection;
	#feed: TrafficFeed;
	#clock: () => number;
	#pending: Sighting[] = [];
	#scheduled = false;
	#stops: Array<() => void> = [];
	#stopAnswering: (() => void) | null = null;
	#running = false;
	/** Bumped by every replay and every stop: a replay that is no longer the latest stops reading. */
	#replays = 0;

	constructor(bus: BusConnection, feed: TrafficFeed, options: { clock?: () => number } = {}) {
		this.#bus = bus;
		this.#feed = feed;
		this.#clock = options.clock ?? Date.now;
	}

	start(): void {
		this.stop();
		this.#stops.push(
			this.#feed.listen((entry) => {
				const sighting = sightingOf(entry.decoded, entry.subject, entry.receivedAt, () => entry.summary);

				if (sighting) this.#queue(sighting);
			})
		);
		this.#running = true;
		this.#answer();
		this.#stops.push(() => {
			this.#stopAnswering?.();
			this.#stopAnswering = null;
		});
		void this.probeRegistry();
		const probe = setInterval(() => void this.probeRegistry(), PROBE_EVERY_MS);
		this.#stops.push(() => clearInterval(probe));
		const timer = setInterval(() => {
			this.now = this.#clock();
			if (this.#index.tick(this.now)) this.version += 1;
		}, 1_000);
		this.#stops.push(() => clearInterval(timer));
		void this.#replay();
		// After an outage, who was heard from meanwhile is in the presence history.
		this.#stops.push(this.#bus.onReconnect(() => void this.#replay()));
	}

	stop(): void {
		this.#running = false;
		this.#replays += 1;
		for (const stop of this.#stops.splice(0)) stop();
	}

	/**
	 * Folds in messages another feature read back from the server (the inbox's questions), so agents
	 * known only from their questions are on every console's roster and in its `mcp.list_agents` answer.
	 */
	foldStored = (messages: ReadonlyArray<{ subject: string; data: Uint8Array; at: number }>): void => {
		this.apply(sightingsFrom(messages));
	};

	/** Makes the given sightings part of the roster now (tests, and the replay). */
	apply(sightings: Sighting[]): void {
		if (sightings.length === 0) return;
		this.now = this.#clock();
		this.#index.apply(sightings, this.now);
		this.version += 1;
	}

	async #replay() {
		const run = ++this.#replays;
		this.history = { state: 'loading' };
		try {
			// Read a batch at a time, the page drawing in between: a busy bus keeps up to 64 MiB. Shown
			// whole at the end: announcements come first, so an agent shown halfway through would be
			// half known (a person's Volta announcement without their orchestrator status: "no ping").
			let history: Sighting[] = [];
			let compactAt = COMPACT_REPLAY_AT;
			const replayed = await replayPresenceInBatches(this.#bus.nats, async (batch) => {
				// Stopped, or a reconnect started a newer replay (which reads it all again): left off.
				if (run !== this.#replays) throw new ReplayLeftOff();
				for (const sighting of sightingsFrom(batch)) history.push(sighting);
				if (history.length >= compactAt) {
					history = compactSightings(history);
					compactAt = Math.max(COMPACT_REPLAY_AT, history.length * 2);
				}
				await new Promise<void>((resolve) => nextTask(resolve));
			});
			if (run !== this.#replays) return;
			this.apply(history);
			this.history = { state: 'ready', replayed };
		} catch (error) {
			// A replay left off, or replaced, says nothing: the latest one speaks for the history.
			if (error instanceof ReplayLeftOff || run !== this.#replays) return;
			const detail = describeError(error);
			this.history = {
				state: 'unavailable',
				reason:
					error instanceof StorageError
						? `No presence history: the roster fills in as agents heartbeat. ${detail}`
						: `Could not read presence history (${detail}). The roster fills in as agents heartbeat; run the server with JetStream for an instant roster.`
			};
		}
	}

	#queue(sighting: Sighting) {
		this.#pending.push(sighting);
		if (this.#scheduled) return;
		this.#scheduled = true;
		const flush = () => {
			this.#scheduled = false;
			const batch = this.#pending;
			this.#pending = [];
			this.apply(batch);
		};
		nextFrame(flush);
	}

	/**
	 * **The rule beside Volta's own registry:** it was Volta's first, and a client takes whichever
	 * answer comes first, so two registries make answers differ. A console asks `mcp.list_agents`
	 * itself on start and every five minutes; a reply without Switchboard's header means another
	 * registry answers here, and every console stays silent until none does. Without one, consoles
	 * answer (one per request: a queue group).
	 */
	async probeRegistry(): Promise<void> {
		let others = 0;
		try {
			// No requestFrom: the probe is nobody's sighting on anyone's roster.
			const request = json({ action: 'list_agents', status: 'all' });
			for (const reply of await this.#bus.requestAll(voltaSubjects.listAgents, request, 1_000))
				if (!reply.headers?.has(REGISTRY_HEADER)) others++;
		} catch (error) {
			// Nobody answered at all (every console silent, the other registry gone): then answer again.
			const nobody = isNoResponders(error);
			if (!nobody) return; // not connected right now: the next probe decides
		}
		if (!this.#running) return;
		if (others > 0 && this.registry.state === 'answering') {
			this.#stopAnswering?.();
			this.#stopAnswering = null;
			this.registry = {
				state: 'silent',
				reason:
					'Another registry (Volta Shell’s own) answers mcp.list_agents on this bus, so Switchboard stays silent and clients get one answer.'
			};
		} else if (others === 0 && this.registry.state === 'silent') {
			this.#answer();
		}
	}

	#answer() {
		this.#stopAnswering?.();
		const respond = (msg: Msg) => (data: Uint8Array) => {
			const h = headers();
			h.set(REGISTRY_HEADER, '1');
			return msg.respond(data, { headers: h });
		};
		const stops = [
			this.#bus.subscribe(voltaSubjects.listAgents, (msg) => this.#answerListAgents(msg.data, respond(msg)), {
				queue: REGISTRY_QUEUE
			}),
			this.#bus.subscribe(
				voltaSubjects.getAgentInfo,
				(msg) => this.#answerAgentInfo(msg.data, respond(msg)),
				{
					queue: REGISTRY_QUEUE
				}
			)
		];
		this.#stopAnswering = () => stops.forEach((stop) => stop());
		this.registry = { state: 'answering' };
	}

	#answerListAgents(data: Uint8Array, respond: (data: Uint8Array) => boolean) {
		const body = parseJson(data);
		const request = body.ok ? ListAgentsRequestSchema.safeParse(body.value) : null;
		if (!request?.success) {
			respond(json({ error: 'Expected {"action":"list_agents","status":"all"|"online"|"offline"}' }));
			return;
		}
		respond(json(toListedAgents(this.agents, request.data.status ?? 'all', this.#clock())));
	}

	#answerAgentInfo(data: Uint8Array, respond: (data: Uint8Array) => boolean) {
		const body = parseJson(data);
		const request = body.ok ? GetAgentInfoRequestSchema.safeParse(body.value) : null;
		if (!request?.success) {
			respond(json({ error: 'Expected {"agentId": "<the agent\'s id>"}' }));
			return;
		}
		const id = request.data.agentId ?? request.data.id!;
		const agent = this.agents.get(id);
		const listed = agent ? toListedAgent(agent, this.#clock()) : null;
		respond(json(listed ?? { error: `No agent with id ${id} has been seen on this bus.` }));
	}
}
