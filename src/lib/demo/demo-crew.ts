/**
 * The demo crew: three real agents that replay the seed's Phase 1.1 flow, so a person can see the bus
 * work without installing anything. An architect finishes the Task model and says so; a parser
 * developer asks the architect for it by request/reply and gets a resource_response; a decomposer
 * claims its work stream. From time to time one of them asks the humans a QUESTION or raises a BLOCKER.
 * Runs on any NatsConnection: in a page's worker, or from Node (`switchboard demo`).
 */
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import {
	createEnvelope,
	decode,
	encodeEnvelope,
	newCorrelationId,
	seedSubjects,
	type AgentIdentity,
	type AgentKind,
	type MessageType
} from '../protocol';
import { AgentPresence, type PresenceOptions } from '../presence';

export interface DemoCrewOptions extends PresenceOptions {
	/** Kind the members announce: `browser` in a page, `external` from Node. */
	kind?: AgentKind;
	/** Added to each member's id, so two crews on one bus do not collide. */
	suffix?: string;
	/** Pause between the steps of the flow. */
	stepMs?: number;
	/** How often a member asks the humans something. */
	askEveryMs?: number;
}

const ROLES = [
	{ role: 'architect', name: 'Architect', capabilities: ['design', 'task_model'] },
	{ role: 'parser-dev', name: 'Parser developer', capabilities: ['parsing'] },
	{ role: 'decomposer', name: 'Decomposer', capabilities: ['planning'] }
] as const;

/** What the crew asks humans, in turn. */
const ASKS: Array<{
	role: (typeof ROLES)[number]['role'];
	type: 'question' | 'blocker';
	content: Record<string, unknown>;
}> = [
	{
		role: 'parser-dev',
		type: 'question',
		content: {
			question: 'Should TaskParser accept tabs as indentation?',
			context: { work_stream: '1.2', file: 'src/parser/task_parser.py' },
			urgency: 'medium',
			options: ['yes', 'no']
		}
	},
	{
		role: 'decomposer',
		type: 'blocker',
		content: {
			blocker: 'No credentials for the staging database',
			work_stream: '1.3',
			impact: 'high',
			suggested_resolution: 'Share read-only staging credentials'
		}
	},
	{
		role: 'architect',
		type: 'question',
		content: {
			question: 'Which storage should the task model use?',
			urgency: 'low',
			options: ['SQLite', 'PostgreSQL', 'JSON files']
		}
	}
];

const sleep = (ms: number, signal: AbortSignal) =>
	new Promise<void>((resolve) => {
		const timer = setTimeout(resolve, ms);
		signal.addEventListener('abort', () => {
			clearTimeout(timer);
			resolve();
		});
	});

export class DemoCrew {
	readonly members: AgentIdentity[];
	#nc: NatsConnection;
	#options: DemoCrewOptions;
	#presences: AgentPresence[] = [];
	#subscriptions: Subscription[] = [];
	#abort = new AbortController();
	#running: Promise<void> | null = null;

	constructor(nc: NatsConnection, options: DemoCrewOptions = {}) {
		this.#nc = nc;
		this.#options = options;
		const suffix = options.suffix ?? Math.random().toString(36).slice(2, 6);
		this.members = ROLES.map(({ role, name, capabilities }) => ({
			id: `crew-${role}-${suffix}`,
			name,
			kind: options.kind ?? 'browser',
			team: 'demo-crew',
			capabilities: [...capabilities]
		}));
	}

	#member(role: (typeof ROLES)[number]['role']): AgentIdentity {
		return this.members[ROLES.findIndex((r) => r.role === role)];
	}

	async start(): Promise<void> {
		const architect = this.#member('architect');
		// The architect answers requests for its resources with a full resource_response envelope.
		this.#subscriptions.push(
			this.#nc.subscribe(seedSubjects.direct(architect.id, 'resource_request'), {
				callback: (error, msg) => {
					if (error || !msg.reply) return;
					const request = decode(msg.subject, msg.data);
					const asker = request.ok && request.dialect === 'seed' ? request.envelope : null;
					const reply = createEnvelope({
						from: architect.id,
						to: asker?.from_agent ?? null,
						type: 'resource_response',
						content: {
							resource: 'task_model',
							granted: true,
							schema: { id: 'str', title: 'str', depends_on: 'list[str]' }
						},
						correlationId: asker?.correlation_id ?? null
					});
					msg.respond(encodeEnvelope(reply));
				}
			})
		);
		for (const identity of this.members) {
			const presence = new AgentPresence(this.#nc, identity, this.#options);
			this.#presences.push(presence);
			await presence.start();
		}
		this.#running = this.#run(this.#abort.signal);
	}

	async stop(): Promise<void> {
		this.#abort.abort();
		await this.#running;
		for (const sub of this.#subscriptions.splice(0)) sub.unsubscribe();
		for (const presence of this.#presences.splice(0)) await presence.leave();
	}

	#broadcast(from: AgentIdentity, type: MessageType, content: Record<string, unknown>) {
		const envelope = createEnvelope({ from: from.id, type, content });
		this.#nc.publish(seedSubjects.broadcast(type), encodeEnvelope(envelope));
	}

	async #run(signal: AbortSignal) {
		const step = this.#options.stepMs ?? 2_000;
		const askEvery = this.#options.askEveryMs ?? 45_000;
		const architect = this.#member('architect');
		const parser = this.#member('parser-dev');
		const decomposer = this.#member('decomposer');
		let lastAsk = Date.now() - askEvery + step * 4;
		let asked = 0;
		for (let round = 1; !signal.aborted; round++) {
			this.#broadcast(architect, 'status_update', {
				status: 'in_progress',
				work_stream_id: '1.1',
				component: 'task_model'
			});
			await sleep(step, signal);
			if (signal.aborted) break;
			this.#broadcast(architect, 'task_complete', {
				work_stream_id: '1.1',
				agent_id: architect.id,
				action: 'release',
				component: 'task_model',
				round
			});
			await sleep(step, signal);
			if (signal.aborted) break;
			await this.#askArchitect(parser, architect);
			await sleep(step, signal);
			if (signal.aborted) break;
			this.#broadcast(parser, 'task_complete', {
				work_stream_id: '1.2',
				agent_id: parser.id,
				action: 'release'
			});
			this.#broadcast(decomposer, 'task_assigned', {
				work_stream_id: '1.3',
				agent_id: decomposer.id,
				action: 'claim'
			});
			this.#broadcast(decomposer, 'status_update', { status: 'started', work_stream_id: '1.3' });
			await sleep(step, signal);
			if (signal.aborted) break;
			if (Date.now() - lastAsk >= askEvery) {
				const ask = ASKS[asked++ % ASKS.length];
				this.#broadcast(this.#member(ask.role), ask.type, ask.content);
				lastAsk = Date.now();
			}
			await sleep(step, signal);
		}
	}

	/** The seed's request/reply: a resource_request to the architect, answered with a resource_response. */
	async #askArchitect(parser: AgentIdentity, architect: AgentIdentity) {
		const envelope = createEnvelope({
			from: parser.id,
			to: architect.id,
			type: 'resource_request',
			content: { resource: 'task_model' },
			correlationId: newCorrelationId(parser.id)
		});
		try {
			const reply = await this.#nc.request(
				seedSubjects.direct(architect.id, 'resource_request'),
				encodeEnvelope(envelope),
				{ timeout: 5_000 }
			);
			const response = decode(seedSubjects.direct(parser.id, 'resource_response'), reply.data);
			const resource = response.ok && response.dialect === 'seed' ? response.envelope.content.resource : null;
			// Says on the bus what the reply brought, so people watching see the request/reply complete.
			this.#broadcast(parser, 'status_update', {
				status: 'in_progress',
				work_stream_id: '1.2',
				received: `resource_response ${String(resource)} from ${architect.id}`
			});
		} catch {
			this.#broadcast(parser, 'status_update', {
				status: 'blocked',
				work_stream_id: '1.2',
				waiting_for: architect.id
			});
		}
	}
}
