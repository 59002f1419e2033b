/**
 * An agent outside the browser: connects over TCP (or WebSocket), is present on the bus exactly as a
 * browser participant is, speaks the orchestrator's patterns, and can ask a human.
 */
import fs from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { wsconnect, type ConnectionOptions, type Msg, type NatsConnection } from '@nats-io/nats-core';
import { connectOptionsFor, describeError, isNoResponders, isSignInRefused } from '../lib/connection';
import { AgentPresence, replayPresence } from '../lib/presence';
import {
	createEnvelope,
	decode,
	decodeEnvelope,
	encodeEnvelope,
	makeAgentId,
	newCorrelationId,
	seedSubjects,
	type AgentIdentity,
	type AgentKind,
	controlStatus,
	identityFields,
	readControl,
	STEERING_COMMANDS,
	voltaSubjects,
	type AgentMessage,
	type ControlMessage,
	type MessageType
} from '../lib/protocol';
import { agentState, applySightings, sightingsFrom, type Roster } from '../lib/roster';
import { ask, type AskOptions, type AskResult } from './ask';
import { AgentUnreachableError, ConnectError, InvalidReplyError, RequestTimeoutError } from './errors';

export interface AgentOptions {
	/** Server URLs; default `NATS_URL`, else nats://127.0.0.1:4222. `ws://` and `wss://` use WebSocket. */
	servers?: string | string[];
	name: string;
	/** Default: the name made into a subject token plus a random suffix. */
	id?: string;
	kind?: AgentKind;
	team?: string;
	capabilities?: string[];
	/** Default `NATS_USER` / `NATS_PASSWORD`, `NATS_TOKEN`, `NATS_CREDS` (a credentials file). */
	user?: string;
	pass?: string;
	token?: string;
	credsFile?: string;
	/** Announce, heartbeat and answer pings (default true). Observers such as `tail` turn it off. */
	presence?: boolean;
	/** When the server cannot be reached, wait for it to come up instead of failing (`ask` does). */
	waitForServer?: boolean;
	/** Called once when the first connect failed and the agent starts waiting for the server. */
	onWaitingForServer?: (servers: string[]) => void;
}

/** What an `onControl` handler returns: `false` declines the order; anything else obeys it. */
export type ControlVerdict = void | boolean;

export function serversFrom(value: string | string[] | undefined, env = process.env): string[] {
	const list = value ?? env.NATS_URL ?? 'nats://127.0.0.1:4222';
	return (Array.isArray(list) ? list : list.split(',')).map((s) => s.trim()).filter(Boolean);
}

async function open(servers: string[], options: AgentOptions, name: string): Promise<NatsConnection> {
	const env = process.env;
	const credsFile = options.credsFile ?? env.NATS_CREDS;
	const connection: ConnectionOptions = {
		...connectOptionsFor(servers, name, {
			user: options.user ?? env.NATS_USER,
			pass: options.pass ?? env.NATS_PASSWORD,
			token: options.token ?? env.NATS_TOKEN,
			credentials: credsFile ? fs.readFileSync(credsFile, 'utf8') : undefined
		}),
		reconnectTimeWait: 1_000
	};
	const web = servers.every((s) => /^wss?:\/\//u.test(s));
	if (web && typeof globalThis.WebSocket === 'undefined') {
		throw new ConnectError(
			`${servers.join(', ')} is a WebSocket URL, and this Node has no WebSocket (Node 22 has one; on Node 20 run node --experimental-websocket). Or use the server's nats:// client URL.`
		);
	}
	const connectTo = (options: ConnectionOptions) => (web ? wsconnect(options) : connect(options));
	try {
		return await connectTo(connection);
	} catch (error) {
		const refused = isSignInRefused(error);
		if (!refused && options.waitForServer) {
			// The server is not up yet: wait for it (a person's question should not be lost to a restart).
			options.onWaitingForServer?.(servers);
			return await connectTo({ ...connection, waitOnFirstConnect: true });
		}
		throw new ConnectError(
			refused
				? `The server at ${servers.join(', ')} refused the credentials (${describeError(error)}): check NATS_USER/NATS_PASSWORD, NATS_TOKEN or NATS_CREDS.`
				: `Could not reach a NATS server at ${servers.join(', ')} (${describeError(error)}). Check that it runs (npm start starts one) and that NATS_URL or --server points at its client port.`,
			{ cause: error }
		);
	}
}

export class SwitchboardAgent {
	readonly identity: AgentIdentity;
	readonly nc: NatsConnection;
	#presence: AgentPresence | null;
	#paused = false;

	private constructor(nc: NatsConnection, identity: AgentIdentity, presence: AgentPresence | null) {
		this.nc = nc;
		this.identity = identity;
		this.#presence = presence;
	}

	static async connect(options: AgentOptions): Promise<SwitchboardAgent> {
		const identity: AgentIdentity = {
			id: options.id ?? makeAgentId(options.name),
			name: options.name,
			kind: options.kind ?? 'external',
			team: options.team,
			capabilities: options.capabilities ?? []
		};
		const nc = await open(serversFrom(options.servers), options, `switchboard sdk: ${identity.id}`);
		let presence: AgentPresence | null = null;
		if (options.presence !== false) {
			presence = new AgentPresence(nc, identity);
			await presence.start();
			// Agents that joined while we were cut off have not heard of us.
			void (async () => {
				for await (const status of nc.status()) if (status.type === 'reconnect') presence?.announce();
			})();
		}
		return new SwitchboardAgent(nc, identity, presence);
	}

	#envelope(
		type: MessageType,
		content: Record<string, unknown>,
		to: string | null = null,
		correlationId?: string
	) {
		return encodeEnvelope(createEnvelope({ from: this.identity.id, to, type, content, correlationId }));
	}

	broadcast(type: MessageType, content: Record<string, unknown>): void {
		this.nc.publish(seedSubjects.broadcast(type), this.#envelope(type, content));
	}

	send(to: string, type: MessageType, content: Record<string, unknown>): void {
		this.nc.publish(seedSubjects.direct(to, type), this.#envelope(type, content, to));
	}

	sendToTeam(team: string, type: MessageType, content: Record<string, unknown>): void {
		this.nc.publish(seedSubjects.team(team, type), this.#envelope(type, content));
	}

	/** The seed's request(): a direct request whose reply is a full envelope. */
	async request(
		to: string,
		type: MessageType,
		content: Record<string, unknown>,
		timeoutMs = 5_000
	): Promise<AgentMessage> {
		const subject = seedSubjects.direct(to, type);
		let reply: Msg;
		try {
			reply = await this.nc.request(
				subject,
				this.#envelope(type, content, to, newCorrelationId(this.identity.id)),
				{
					timeout: timeoutMs
				}
			);
		} catch (error) {
			if (isNoResponders(error)) {
				throw new AgentUnreachableError(
					`Nobody on the bus listens on ${subject}: check that ${to} is online (switchboard agents) and spelled as its id.`,
					{ cause: error }
				);
			}
			throw new RequestTimeoutError(
				`${to} did not reply to ${type} within ${timeoutMs} ms (${describeError(error)}): check that it is online and answers ${type} requests.`,
				{ cause: error }
			);
		}
		const decoded = decodeEnvelope(reply.data);
		if (!decoded.ok) {
			throw new InvalidReplyError(
				`${to} replied with something that is not a seed envelope: ${decoded.reason}`
			);
		}
		return decoded.envelope;
	}

	/** Puts work on a queue; one of its workers gets it. */
	enqueue(queue: string, type: MessageType, content: Record<string, unknown>): void {
		this.nc.publish(seedSubjects.queue(queue), this.#envelope(type, content));
	}

	/** Works a queue in the seed's queue group `{queue}_workers`; returns the function that stops. */
	work(queue: string, handler: (message: AgentMessage, msg: Msg) => void | Promise<void>): () => void {
		const sub = this.nc.subscribe(seedSubjects.queue(queue), {
			queue: seedSubjects.queueGroup(queue),
			callback: (error, msg) => {
				if (error) return;
				const decoded = decode(msg.subject, msg.data);
				if (decoded.ok && decoded.dialect === 'seed') void handler(decoded.envelope, msg);
			}
		});
		return () => sub.unsubscribe();
	}

	/** Messages sent to this agent directly, decoded; returns the function that stops. */
	onMessage(handler: (message: AgentMessage, msg: Msg) => void): () => void {
		const sub = this.nc.subscribe(seedSubjects.directWildcard(this.identity.id), {
			callback: (error, msg) => {
				if (error) return;
				const decoded = decode(msg.subject, msg.data);
				if (
					decoded.ok &&
					decoded.dialect === 'seed' &&
					decoded.route.kind === 'seed.direct' &&
					decoded.envelope.message_type !== 'ping'
				) {
					handler(decoded.envelope, msg);
				}
			}
		});
		return () => sub.unsubscribe();
	}

	/**
	 * Steering from people (docs/protocol.md §9): `pause_agent`, `resume_agent`, `stop_task` and
	 * `update_goal`, in the orchestrator's envelope or as Volta `command` messages, read alike. Once the
	 * handler has returned (or its promise resolved), the agent broadcasts the status that says it
	 * obeyed (`paused`, `in_progress`, `stop_command`, `update_goal`), which every console's roster
	 * shows; a handler that returns `false` declines, and nothing is broadcast. A handler that throws
	 * declines too. Returns the function that stops listening.
	 */
	onControl(handler: (control: ControlMessage) => ControlVerdict | Promise<ControlVerdict>): () => void {
		const { id } = this.identity;
		const obey = async (control: ControlMessage) => {
			if (control.from === id) return;
			let verdict: ControlVerdict;
			try {
				verdict = await handler(control);
			} catch {
				return;
			}
			if (verdict === false || this.nc.isClosed()) return;
			if (control.command === 'pause_agent') this.#paused = true;
			if (control.command === 'resume_agent') this.#paused = false;
			this.broadcast('status_update', { ...controlStatus(control), ...identityFields(this.identity) });
		};
		const callback = (error: Error | null, msg: Msg) => {
			if (error) return;
			const control = readControl(decode(msg.subject, msg.data));
			if (control) void obey(control);
		};
		const subs = [
			...STEERING_COMMANDS.map((command) =>
				this.nc.subscribe(seedSubjects.direct(id, command), { callback })
			),
			this.nc.subscribe(voltaSubjects.message(id), { callback })
		];
		return () => {
			for (const sub of subs) sub.unsubscribe();
		};
	}

	/** Whether a person paused this agent (and nobody has resumed it since), as `onControl` obeyed. */
	get paused(): boolean {
		return this.#paused;
	}

	/** The roster as the server's presence history has it now (see docs/protocol.md §5.4). */
	async roster(): Promise<Roster> {
		return applySightings(new Map(), sightingsFrom(await replayPresence(this.nc)));
	}

	/** The people online now (kind `human`). */
	async humansOnline(): Promise<Array<{ id: string; name: string }>> {
		const roster = await this.roster().catch(() => new Map() as Roster);
		const now = Date.now();
		return [...roster.values()]
			.filter((a) => a.kind === 'human' && agentState(a, now) === 'online')
			.map(({ id, name }) => ({ id, name }));
	}

	/** Asks a human and resolves with the answer; see AskOptions for how it waits. */
	ask(question: string, options: AskOptions = {}): Promise<AskResult> {
		return ask(
			{ nc: this.nc, identity: this.identity, humansOnline: () => this.humansOnline() },
			question,
			options
		);
	}

	/** Leaves properly (an offline status in both dialects) and closes the connection. */
	async close(): Promise<void> {
		await this.#presence?.leave();
		this.#presence = null;
		await this.nc.drain().catch(() => this.nc.close());
	}
}

export const connectAgent = (options: AgentOptions) => SwitchboardAgent.connect(options);
