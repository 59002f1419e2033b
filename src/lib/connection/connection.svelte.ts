/**
 * The one object that owns the NATS connection of the page. Components read its status; state classes
 * subscribe and publish through it. Nothing else touches the NATS client.
 */
import {
	errors,
	wsconnect,
	type Msg,
	type NatsConnection,
	type ConnectionOptions,
	type Status
} from '@nats-io/nats-core';
import {
	credentialsProblem,
	describeConnectionError,
	describePermissionViolation,
	reconnectDelay,
	type JoinDetails
} from './connection-options';
import { connectOptionsFor } from './connect-options';
import { PINGS_OUT_BACKSTOP, PingWatch } from './liveness';

/** How long a socket that stopped answering pings gets to close by itself before it is abandoned. */
const STALE_SOCKET_GRACE_MS = 1_000;

/** What the status says while a connection whose socket went silent reconnects. */
const SILENT_SOCKET = 'The server stopped answering pings.';

/**
 * nats-core reconnects after a stale connection only once the WebSocket reports itself closed, and
 * a browser waits up to a minute for the closing handshake of a socket whose peer went silent (a
 * dead proxy, a sleeping laptop's network). This reports the socket closed now; the browser finishes
 * closing it in the background. It reaches into nats-core's transport, so it checks every part it
 * uses and does nothing if they are not there (the resilience e2e test fails if recovery slows).
 */
function abandonSilentSocket(nc: NatsConnection): void {
	type Transport = { socketClosed?: unknown; _cleanup?: unknown };
	// The transport of the connection that went stale, taken now: by the time the grace is over,
	// nats-core may be dialling on a new one, which must be left alone.
	const transport = (nc as unknown as { protocol?: { transport?: Transport } }).protocol?.transport;
	setTimeout(() => {
		if (!transport || transport.socketClosed !== false || typeof transport._cleanup !== 'function') return;
		(transport._cleanup as () => void).call(transport);
	}, STALE_SOCKET_GRACE_MS);
}

/**
 * Watches `nc`'s pings (see `PingWatch`) and, when its socket is dead, drops it and reconnects,
 * as nats-core would after its own count of unanswered pings. Returns what to call with each status.
 */
function reconnectWhenSilent(nc: NatsConnection, onDead: () => void): (event: Status) => void {
	const pings = new PingWatch();
	return (event) => {
		if (event.type !== 'ping' || !pings.isDead(event.pendingPings, nc.stats().inMsgs)) return;
		onDead();
		abandonSilentSocket(nc);
		void nc.reconnect().catch(() => undefined);
	};
}

export type ConnectionStatus =
	| { state: 'idle' }
	| { state: 'connecting'; servers: string[] }
	| { state: 'connected'; server: string }
	| { state: 'reconnecting'; reason: string; attempts: number }
	/** `reason` is null when the person left on purpose. */
	| { state: 'closed'; reason: string | null };

/** What the server told us about itself when we connected. */
export interface ServerFacts {
	name: string;
	version: string;
	jetstream: boolean;
	maxPayload: number;
}

export type MessageHandler = (msg: Msg) => void;

/** Opens a connection; injected so Node tests can use the same class as the browser. */
export type Connector = (options: ConnectionOptions) => Promise<NatsConnection>;

export class NotConnectedError extends Error {
	override name = 'NotConnectedError';
	constructor() {
		super('Not connected to a NATS server: join first.');
	}
}

export class BusConnection {
	/** What the header shows; replaced on every change, never mutated. */
	status = $state.raw<ConnectionStatus>({ state: 'idle' });
	/** The name the person joined with. */
	name = $state('');
	/** Facts from the server's INFO, refreshed on every (re)connect. */
	server = $state.raw<ServerFacts | null>(null);
	/** Round-trip time to the server in milliseconds, measured every 10 s while connected. */
	rttMs = $state<number | null>(null);
	/** The last thing the server refused (a permission), in words; null once dismissed. */
	refused = $state<string | null>(null);
	/** The servers given at join, for join links and messages. */
	servers = $state.raw<string[]>([]);

	#nc: NatsConnection | null = null;
	/** The inbox's own connection (see `quietConnection`); null while opening, or if it could not be. */
	#quiet: Promise<NatsConnection | null> = Promise.resolve(null);
	/** Whether that connection is up now (not between a disconnect and its reconnect). */
	#quietUp = false;
	/** Kept in memory only, so an agent hosted in this page can connect the same way. */
	#details: JoinDetails | null = null;
	#attempts = 0;
	#connect: Connector;
	#reconnectListeners = new Set<() => void>();
	#closedListeners = new Set<() => void>();

	constructor(connect: Connector = wsconnect) {
		this.#connect = connect;
	}

	get connected(): boolean {
		return this.status.state === 'connected';
	}

	/** Connects to the bus; on failure the status says why in words, and the promise resolves false. */
	async join(details: JoinDetails): Promise<boolean> {
		await this.leave();
		this.servers = details.servers;
		this.name = details.name;
		this.status = { state: 'connecting', servers: details.servers };
		// Read here, where the words can say which file is wrong; the client would only say "unable to parse".
		const unreadable = details.credentials?.trim() ? credentialsProblem(details.credentials) : null;
		if (unreadable) {
			this.status = { state: 'closed', reason: unreadable };
			return false;
		}
		let nc: NatsConnection;
		const options = {
			...connectOptionsFor(details.servers, `switchboard: ${details.name}`, details),
			reconnectDelayHandler: () => reconnectDelay(this.#attempts),
			// A WebSocket dropped without a close (a sleeping laptop, a dead proxy) is noticed
			// after 2 unanswered pings with nothing else read meanwhile: within 15 s. A PING is
			// 6 bytes. A socket still delivering messages is busy, not dead (`PingWatch`).
			pingInterval: 5_000,
			maxPingOut: PINGS_OUT_BACKSTOP
		};
		try {
			nc = await this.#connect(options);
		} catch (error) {
			this.status = { state: 'closed', reason: describeConnectionError(error, details.servers) };
			return false;
		}
		this.#nc = nc;
		this.#details = details;
		this.#attempts = 0;
		this.#markConnected(nc);
		void this.#watch(nc);
		let quietAttempts = 0;
		this.#quiet = this.#openQuiet(
			nc,
			{
				...options,
				name: `switchboard: ${details.name} (inbox)`,
				// Never far behind the first connection: an answer given as soon as the page says it is
				// back waits for this one. While the first is back, at once; else backing off to 2 s.
				reconnectDelayHandler: () => (this.connected ? 200 : Math.min(reconnectDelay(quietAttempts++), 2_000))
			},
			() => (quietAttempts = 0)
		);
		return true;
	}

	/**
	 * The connection for what a person waits on (the inbox's questions, claims and answers): a
	 * second one, which carries none of the traffic view's subscriptions. A server writes to a
	 * connection in order, so on the first one a question sent during a flood waits behind all the
	 * routine traffic queued for the page. The first connection stands in until this one is open, and
	 * for good if it cannot be (a server that allows one connection per login).
	 */
	async quietConnection(): Promise<NatsConnection> {
		const quiet = await this.#quiet;
		return quiet && this.#quietUp && !quiet.isClosed() ? quiet : this.#require();
	}

	async #openQuiet(
		main: NatsConnection,
		options: ConnectionOptions,
		onReconnected: () => void
	): Promise<NatsConnection | null> {
		let quiet: NatsConnection;
		try {
			quiet = await this.#connect(options);
		} catch {
			return null;
		}
		if (this.#nc !== main) {
			await quiet.close().catch(() => undefined);
			return null;
		}
		void main.closed().then(() => quiet.close().catch(() => undefined));
		this.#quietUp = true;
		const watchPings = reconnectWhenSilent(quiet, () => (this.#quietUp = false));
		void (async () => {
			for await (const event of quiet.status()) {
				if (this.#nc !== main) return;
				watchPings(event);
				if (event.type === 'error' && event.error instanceof errors.PermissionViolationError)
					this.refused = describePermissionViolation(event.error.operation, event.error.subject);
				else if (event.type === 'disconnect') this.#quietUp = false;
				else if (event.type === 'staleConnection') {
					this.#quietUp = false;
					abandonSilentSocket(quiet);
				} else if (event.type === 'reconnect') {
					this.#quietUp = true;
					onReconnected();
				}
			}
		})();
		return quiet;
	}

	/** Closes the connection; subscriptions end with it. Safe to call at any time. */
	async leave(): Promise<void> {
		const nc = this.#nc;
		this.#nc = null;
		const quiet = this.#quiet;
		this.#quiet = Promise.resolve(null);
		this.#quietUp = false;
		void quiet.then((connection) => connection?.close().catch(() => undefined));
		this.#details = null;
		if (this.#rttTimer) clearInterval(this.#rttTimer);
		this.#rttTimer = null;

		if (!nc) return;
		this.status = { state: 'closed', reason: null };
		this.#announceClosed();
		await nc.close().catch(() => undefined);
	}

	/** Closes the connection for a reason of the page's own (not the server's), shown as the join's error. */
	async abandon(reason: string): Promise<void> {
		await this.leave();
		this.status = { state: 'closed', reason };
	}

	/** Calls `listener` whenever a joined connection ends: left, or closed for good by the server or network. */
	onClosed(listener: () => void): () => void {
		this.#closedListeners.add(listener);
		return () => this.#closedListeners.delete(listener);
	}

	#announceClosed() {
		for (const listener of this.#closedListeners) listener();
	}

	/** Calls `listener` after every automatic reconnect (not the first connect); returns the remover. */
	onReconnect(listener: () => void): () => void {
		this.#reconnectListeners.add(listener);
		return () => this.#reconnectListeners.delete(listener);
	}

	/** Subscribes with a callback (no per-message promise); returns the function that unsubscribes. */
	subscribe(subject: string, handler: MessageHandler, options: { queue?: string } = {}): () => void {
		const subscription = this.#require().subscribe(subject, {
			queue: options.queue,
			callback: (error, msg) => {
				if (!error) handler(msg);
			}
		});
		return () => subscription.unsubscribe();
	}

	publish(subject: string, data: Uint8Array, options: { reply?: string } = {}): void {
		this.#require().publish(subject, data, options);
	}

	request(subject: string, data: Uint8Array, timeoutMs = 5_000): Promise<Msg> {
		return this.#require().request(subject, data, { timeout: timeoutMs });
	}

	/** Every reply that comes within `waitMs`: for requests that several responders may answer. */
	async requestAll(subject: string, data: Uint8Array, waitMs: number): Promise<Msg[]> {
		const replies: Msg[] = [];
		for await (const msg of await this.#require().requestMany(subject, data, { maxWait: waitMs }))
			replies.push(msg);
		return replies;
	}

	/** Round-trip time to the server in milliseconds. */
	rtt(): Promise<number> {
		return this.#require().rtt();
	}

	/** Waits until everything published so far has reached the server. */
	flush(): Promise<void> {
		return this.#require().flush();
	}

	/** How this page joined (servers and credentials), for agents hosted in the page. */
	get joinDetails(): JoinDetails {
		if (!this.#details) throw new NotConnectedError();
		return this.#details;
	}

	/**
	 * The raw connection, for library code that speaks a NATS API of its own (JetStream, presence).
	 * Components never use it: they go through state classes.
	 */
	get nats(): NatsConnection {
		return this.#require();
	}

	#require(): NatsConnection {
		if (!this.#nc || this.#nc.isClosed()) throw new NotConnectedError();
		return this.#nc;
	}

	#rttTimer: ReturnType<typeof setInterval> | null = null;

	#measureRtt(nc: NatsConnection) {
		if (this.#rttTimer) clearInterval(this.#rttTimer);
		const measure = () => {
			if (nc.isClosed() || this.#nc !== nc) {
				if (this.#rttTimer) clearInterval(this.#rttTimer);
				return;
			}
			nc.rtt().then(
				(ms) => (this.rttMs = ms),
				() => (this.rttMs = null)
			);
		};
		measure();
		this.#rttTimer = setInterval(measure, 10_000);
	}

	#markConnected(nc: NatsConnection) {
		this.#measureRtt(nc);

		const info = nc.info;
		this.server = info
			? {
					name: info.server_name,
					version: info.version,
					jetstream: info.jetstream ?? false,
					maxPayload: info.max_payload
				}
			: null;
		this.status = { state: 'connected', server: nc.getServer() };
	}

	async #watch(nc: NatsConnection) {
		void nc.closed().then((error) => {
			if (this.#nc !== nc) return;
			this.#nc = null;
			this.status = {
				state: 'closed',
				reason: error ? describeConnectionError(error, this.servers) : 'The connection was closed.'
			};
			this.#announceClosed();
		});
		const watchPings = reconnectWhenSilent(nc, () => {
			this.status = { state: 'reconnecting', reason: SILENT_SOCKET, attempts: 0 };
		});
		for await (const event of nc.status()) {
			if (this.#nc !== nc) return;
			watchPings(event);
			this.#onStatus(nc, event);
		}
	}

	#onStatus(nc: NatsConnection, event: Status) {
		switch (event.type) {
			case 'disconnect':
				this.status = {
					state: 'reconnecting',
					reason: `Lost the connection to ${event.server}.`,
					attempts: 0
				};
				break;
			case 'reconnecting':
				this.#attempts += 1;
				if (this.status.state === 'reconnecting') {
					this.status = { ...this.status, attempts: this.#attempts };
				}
				break;
			case 'error':
				// The server refused something (a permission); the connection stays up.
				if (event.error instanceof errors.PermissionViolationError)
					this.refused = describePermissionViolation(event.error.operation, event.error.subject);
				break;
			case 'staleConnection':
				this.status = { state: 'reconnecting', reason: SILENT_SOCKET, attempts: 0 };
				abandonSilentSocket(nc);
				break;
			case 'reconnect':
				this.#attempts = 0;
				this.#markConnected(nc);
				for (const listener of this.#reconnectListeners) listener();
				break;
		}
	}
}
