/** The person at this tab, as an agent on the bus: joining, presence, leaving. */
import type { AgentPresence } from './agent-presence';
import type { AgentIdentity } from '$lib/protocol';
import type { JoinDetails } from '$lib/connection';
import type { BusConnection } from '$lib/connection/ui';
import { identityFor, type IdentityChoice } from './identity';
import { createWorkerTicker } from './worker-ticker';

export class Participant {
	/** Who this tab is on the bus; null before joining. */
	identity = $state.raw<AgentIdentity | null>(null);
	/** True from Join until the tab is on the bus or the join failed: connecting, then loading the console. */
	joining = $state(false);

	#bus: BusConnection;
	#presence: AgentPresence | null = null;
	#stopWatching: (() => void) | null = null;
	#joinedListeners = new Set<(identity: AgentIdentity) => void>();
	#preparations = new Set<() => Promise<void>>();

	constructor(bus: BusConnection) {
		this.#bus = bus;
	}

	async join(details: JoinDetails & IdentityChoice): Promise<boolean> {
		this.joining = true;
		try {
			return await this.#join(details);
		} finally {
			this.joining = false;
		}
	}

	async #join(details: JoinDetails & IdentityChoice): Promise<boolean> {
		const identity = identityFor(details, typeof localStorage === 'undefined' ? null : localStorage);
		// Started with the connection, not after it: a join waits for the slower of the two. Presence
		// (and the protocol's schemas it decodes pings with) is loaded now too, not with the join form.
		const presenceCode = import('./agent-presence');
		const prepared = Promise.all([presenceCode, ...[...this.#preparations].map((prepare) => prepare())]);
		prepared.catch(() => undefined);
		if (!(await this.#bus.join(details))) return false;
		try {
			await prepared;
		} catch (error) {
			await this.#bus.abandon(
				`The console could not be loaded (${error instanceof Error ? error.message : String(error)}). Reload the page and join again; if Switchboard was just updated, the page you have is out of date.`
			);
			return false;
		}
		this.identity = identity;
		// Before presence starts, so what listens on the bus for this person hears their own announce.
		for (const listener of this.#joinedListeners) listener(identity);
		const { AgentPresence } = await presenceCode;
		this.#presence = new AgentPresence(this.#bus.nats, identity, { ticker: createWorkerTicker() });
		await this.#presence.start();
		// A restarted server forgot nothing about us in JetStream, but agents that joined meanwhile did not hear us.
		this.#stopWatching = this.#bus.onReconnect(() => this.#presence?.announce());
		return true;
	}

	/**
	 * Work a join waits for before this tab says who it is, such as loading the console that will
	 * listen: each join starts it alongside connecting. A failure ends the join with the reason shown.
	 * Returns the remover.
	 */
	beforeJoined(prepare: () => Promise<void>): () => void {
		this.#preparations.add(prepare);
		return () => this.#preparations.delete(prepare);
	}

	/** Calls `listener` each time this tab joins the bus, with who it is there; returns the remover. */
	onJoined(listener: (identity: AgentIdentity) => void): () => void {
		this.#joinedListeners.add(listener);
		return () => this.#joinedListeners.delete(listener);
	}

	/** Says goodbye on the bus, then closes the connection. */
	async leave(): Promise<void> {
		const presence = this.#presence;
		this.#presence = null;
		this.#stopWatching?.();
		this.#stopWatching = null;
		await presence?.leave().catch(() => undefined);
		await this.#bus.leave();
	}
}
