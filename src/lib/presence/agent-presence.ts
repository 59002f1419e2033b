/**
 * Being an agent on the bus: announce, heartbeat, answer ping with pong, answer the NATS services
 * protocol, and leave. Takes any NatsConnection (WebSocket in a page or worker, TCP in Node), so the
 * person in the browser, the demo crew and the Node SDK all present themselves the same way.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import {
	announceContent,
	createEnvelope,
	decode,
	encodeEnvelope,
	heartbeatContent,
	leaveContent,
	seedSubjects,
	serviceResponse,
	serviceSubjects,
	voltaAnnounceFor,
	voltaHeartbeatFor,
	voltaStatusFor,
	voltaSubjects,
	type AgentIdentity,
	type ServiceDescription
} from '../protocol';
import { intervalTicker, type Ticker } from './ticker';

export const HEARTBEAT_INTERVAL_MS = 30_000;
/** The name every Switchboard participant registers under in the NATS services protocol. */
export const SERVICE_NAME = 'switchboard';
export const SWITCHBOARD_VERSION = '0.1.0';

export interface PresenceOptions {
	heartbeatMs?: number;
	ticker?: Ticker;
	now?: () => Date;
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

export class AgentPresence {
	readonly identity: AgentIdentity;
	#nc: NatsConnection;
	#subscriptions: Subscription[] = [];
	#stopTicker: (() => void) | null = null;
	#startedAt: Date;
	#heartbeatMs: number;
	#ticker: Ticker;
	#now: () => Date;

	constructor(nc: NatsConnection, identity: AgentIdentity, options: PresenceOptions = {}) {
		this.#nc = nc;
		this.identity = identity;
		this.#heartbeatMs = options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS;
		this.#ticker = options.ticker ?? intervalTicker;
		this.#now = options.now ?? (() => new Date());
		this.#startedAt = this.#now();
	}

	get running(): boolean {
		return this.#stopTicker !== null;
	}

	/** Subscribes first (so a ping right after the announce is answered), then announces and heartbeats. */
	async start(): Promise<void> {
		if (this.running) return;
		this.#startedAt = this.#now();
		const { id } = this.identity;
		this.#subscriptions.push(
			this.#nc.subscribe(seedSubjects.direct(id, 'ping'), {
				callback: (error, msg) => {
					if (!error) this.#pong(msg);
				}
			})
		);
		const service = this.#service();
		for (const { subject, verb } of serviceSubjects(service.name, service.id)) {
			this.#subscriptions.push(
				this.#nc.subscribe(subject, {
					callback: (error, msg) => {
						if (!error) msg.respond(json(serviceResponse(service, verb)));
					}
				})
			);
		}
		await this.#nc.flush();
		this.announce();
		this.heartbeat();
		this.#stopTicker = this.#ticker.every(this.#heartbeatMs, () => {
			this.heartbeat();
			this.keepAlive();
		});
	}

	/**
	 * Volta's keep-alive: its agents send `agent.{id}.status` every 30 s, and its registry updates
	 * `lastSeen` only from announces and status (not heartbeats), so without it a person would turn
	 * offline there after 90 s.
	 */
	keepAlive(): void {
		if (this.#nc.isClosed()) return;
		this.#nc.publish(
			voltaSubjects.status(this.identity.id),
			json(voltaStatusFor(this.identity, 'online', this.#now()))
		);
	}

	/** Tells both dialects who we are: a seed status_update broadcast and Volta's announce and status. */
	announce(): void {
		const now = this.#now();
		this.#publishSeed('status_update', announceContent(this.identity), now);
		this.#nc.publish(voltaSubjects.announce, json(voltaAnnounceFor(this.identity, now)));
		this.#nc.publish(
			voltaSubjects.status(this.identity.id),
			json(voltaStatusFor(this.identity, 'online', now))
		);
	}

	heartbeat(): void {
		if (this.#nc.isClosed()) return;
		const now = this.#now();
		const uptimeMs = now.getTime() - this.#startedAt.getTime();
		this.#publishSeed('heartbeat', heartbeatContent(this.identity, uptimeMs / 1000), now);
		this.#nc.publish(
			voltaSubjects.heartbeat(this.identity.id),
			json(voltaHeartbeatFor(this.identity, uptimeMs, 0, now))
		);
	}

	/** Says goodbye in both dialects and stops answering. The connection stays open. */
	async leave(): Promise<void> {
		if (!this.running) return;
		this.#stopTicker?.();
		this.#stopTicker = null;
		for (const sub of this.#subscriptions.splice(0)) sub.unsubscribe();
		if (this.#nc.isClosed()) return;
		const now = this.#now();
		this.#publishSeed('status_update', leaveContent(this.identity), now);
		this.#nc.publish(
			voltaSubjects.status(this.identity.id),
			json(voltaStatusFor(this.identity, 'offline', now))
		);
		await this.#nc.flush().catch(() => undefined);
	}

	#publishSeed(type: 'status_update' | 'heartbeat', content: Record<string, unknown>, now: Date) {
		const envelope = createEnvelope({ from: this.identity.id, type, content, now });
		this.#nc.publish(seedSubjects.broadcast(type), encodeEnvelope(envelope));
	}

	/** The seed's ping is a request (or a plain message): the pong is a full envelope either way. */
	#pong(msg: Msg) {
		const ping = decode(msg.subject, msg.data);
		const from = ping.ok && ping.dialect === 'seed' ? ping.envelope.from_agent : null;
		const envelope = createEnvelope({
			from: this.identity.id,
			to: from,
			type: 'pong',
			content: { status: 'alive', kind: this.identity.kind, name: this.identity.name },
			correlationId: ping.ok && ping.dialect === 'seed' ? ping.envelope.correlation_id : null,
			now: this.#now()
		});
		if (msg.reply) msg.respond(encodeEnvelope(envelope));
		else if (from) this.#nc.publish(seedSubjects.direct(from, 'pong'), encodeEnvelope(envelope));
	}

	#service(): ServiceDescription {
		const { id, name, kind, team } = this.identity;
		return {
			name: SERVICE_NAME,
			id,
			version: SWITCHBOARD_VERSION,
			description: `Switchboard participant ${name} (${kind})`,
			metadata: { agent_id: id, kind, name, ...(team ? { team } : {}) },
			endpoints: [{ name: 'ping', subject: seedSubjects.direct(id, 'ping') }],
			started: this.#startedAt
		};
	}
}
