/**
 * The live roster of the page: history replayed from JetStream on join, then every message the traffic
 * feed decodes, batched per frame. Answers Volta Shell's `mcp.list_agents` with what it knows.
 */
import { replayPresence } from '$lib/agents/presence-history';
import { StorageError } from '$lib/storage';
import { GetAgentInfoRequestSchema, ListAgentsRequestSchema, parseJson, voltaSubjects } from '$lib/protocol';
import {
	applySightings,
	countByState,
	filterRoster,
	sightingOf,
	sightingsFrom,
	toListedAgent,
	toListedAgents,
	type Roster,
	type RosterFilter,
	type Sighting
} from '$lib/roster/roster';
import type { BusConnection } from './connection.svelte';
import { nextFrame } from './frame';
import type { TrafficFeed } from './traffic.svelte';

export type HistoryStatus =
	| { state: 'idle' | 'loading' }
	| { state: 'ready'; replayed: number }
	| { state: 'unavailable'; reason: string };

/** One answer per request, whichever console gets it. */
export const REGISTRY_QUEUE = 'switchboard_registry';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

export class RosterState {
	/** Every agent seen; replaced per batch. */
	agents = $state.raw<Roster>(new Map());
	/** The clock states are computed against; ticks so silent agents turn stale on time. */
	now = $state(Date.now());
	history = $state.raw<HistoryStatus>({ state: 'idle' });
	filter = $state<RosterFilter>({ text: '', kind: '', state: '', team: '', capability: '' });
	/** The id of the agent whose details are open. */
	selected = $state<string | null>(null);

	visible = $derived(filterRoster(this.agents, this.filter, this.now));
	counts = $derived(countByState(this.agents, this.now));

	#bus: BusConnection;
	#feed: TrafficFeed;
	#clock: () => number;
	#pending: Sighting[] = [];
	#scheduled = false;
	#stops: Array<() => void> = [];

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
		this.#stops.push(
			this.#bus.subscribe(
				voltaSubjects.listAgents,
				(msg) => this.#answerListAgents(msg.data, msg.respond.bind(msg)),
				{ queue: REGISTRY_QUEUE }
			),
			this.#bus.subscribe(
				voltaSubjects.getAgentInfo,
				(msg) => this.#answerAgentInfo(msg.data, msg.respond.bind(msg)),
				{ queue: REGISTRY_QUEUE }
			)
		);
		const timer = setInterval(() => (this.now = this.#clock()), 1_000);
		this.#stops.push(() => clearInterval(timer));
		void this.#replay();
		// After an outage, who was heard from meanwhile is in the presence history.
		this.#stops.push(this.#bus.onReconnect(() => void this.#replay()));
	}

	stop(): void {
		for (const stop of this.#stops.splice(0)) stop();
	}

	/** Makes the given sightings part of the roster now (tests, and the replay). */
	apply(sightings: Sighting[]): void {
		this.agents = applySightings(this.agents, sightings);
		this.now = this.#clock();
	}

	async #replay() {
		this.history = { state: 'loading' };
		try {
			const messages = await replayPresence(this.#bus.nats);
			this.apply(sightingsFrom(messages));

			this.history = { state: 'ready', replayed: messages.length };
		} catch (error) {
			const detail = error instanceof Error ? error.message : String(error);
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
		respond(
			json(
				agent
					? toListedAgent(agent, this.#clock())
					: { error: `No agent with id ${id} has been seen on this bus.` }
			)
		);
	}
}
