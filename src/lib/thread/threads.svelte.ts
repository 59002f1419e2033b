/**
 * Every agent's conversation with people in the page: built from the traffic as it arrives and from
 * what the inbox reads back from the server, so a thread outlives a reload. Writing to an agent goes
 * out in its own dialect, as a question it can answer.
 */
import type { BusConnection } from '$lib/connection/ui';
import { describeError, publishConfirmed } from '$lib/connection';
import {
	createEnvelope,
	createMcpMessage,
	decode,
	encodeEnvelope,
	newCorrelationId,
	seedSubjects,
	voltaSubjects,
	type AgentIdentity
} from '$lib/protocol';
import type { TrafficFeed } from '$lib/traffic/ui';
import { isConversationSubject, partiesOf, threadEntryOf, withEntries, type ThreadEntry } from './thread';

export type WriteOutcome = { tone: 'ok' | 'error'; text: string };

/** The largest message a person writes to an agent from a thread. */
export const MESSAGE_LIMIT = 8_000;

export class AgentThreads {
	/** Bumped whenever a thread changes: what views depend on. */
	version = $state(0);
	/** The last outcome of writing to each agent. */
	outcomes = $state.raw<ReadonlyMap<string, WriteOutcome>>(new Map());

	#threads = new Map<string, ThreadEntry[]>();
	#bus: BusConnection;
	#feed: TrafficFeed;
	#stop: (() => void) | null = null;

	constructor(bus: BusConnection, feed: TrafficFeed) {
		this.#bus = bus;
		this.#feed = feed;
	}

	start(): void {
		this.stop();
		this.#stop = this.#feed.listen((entry) => {
			// Most traffic is presence and work: passed over by its subject alone.
			if (!isConversationSubject(entry.subject)) return;
			const added = threadEntryOf(entry.decoded, entry.subject, entry.receivedAt);
			if (added) this.#add([added]);
		});
	}

	stop(): void {
		this.#stop?.();
		this.#stop = null;
		this.#threads.clear();
		this.version += 1;
	}

	/** Folds in messages read back from the server (the inbox's replay of what it keeps). */
	foldStored = (messages: ReadonlyArray<{ subject: string; data: Uint8Array; at: number }>): void => {
		const entries: ThreadEntry[] = [];
		for (const m of messages) {
			const entry = threadEntryOf(decode(m.subject, m.data), m.subject, m.at);
			if (entry) entries.push(entry);
		}
		this.#add(entries);
	};

	/** One agent's messages with people, oldest first. */
	messagesOf(agent: string): readonly ThreadEntry[] {
		void this.version;
		return this.#threads.get(agent) ?? [];
	}

	/**
	 * Writes to an agent in its dialect, as a question it can answer: the orchestrator's `question` sent
	 * to it directly, or a Volta `query`. A follow-up names the question it follows (`follow_up_to`).
	 */
	async write(
		agent: { id: string; dialects: readonly string[] },
		me: AgentIdentity,
		text: string,
		followUpTo: string | null = null
	): Promise<boolean> {
		const said = text.trim();
		if (!said) return this.#say(agent.id, 'error', 'Write something first.');
		if (said.length > MESSAGE_LIMIT)
			return this.#say(
				agent.id,
				'error',
				`That is ${said.length} characters; keep it under ${MESSAGE_LIMIT}.`
			);
		const requestId = newCorrelationId(me.id);
		const followUp = followUpTo ? { follow_up_to: followUpTo } : {};
		const seed = agent.dialects.includes('seed') || !agent.dialects.includes('volta');
		const [subject, bytes] = seed
			? [
					seedSubjects.direct(agent.id, 'question'),
					encodeEnvelope(
						createEnvelope({
							from: me.id,
							to: agent.id,
							type: 'question',
							content: {
								question: said,
								request_id: requestId,
								asked_by: { id: me.id, name: me.name },
								...followUp
							},
							correlationId: requestId
						})
					)
				]
			: [
					voltaSubjects.message(agent.id),
					new TextEncoder().encode(
						JSON.stringify(
							createMcpMessage({
								from: me.id,
								to: agent.id,
								message: said,
								type: 'query',
								metadata: { requestId, askedBy: me.name, ...followUp }
							})
						)
					)
				];
		try {
			await publishConfirmed(this.#bus.nats, subject, bytes);
		} catch (error) {
			return this.#say(agent.id, 'error', `Not sent: ${describeError(error)}.`);
		}
		return this.#say(agent.id, 'ok', `Sent to ${agent.id} on ${subject}.`);
	}

	#say(agent: string, tone: WriteOutcome['tone'], text: string): boolean {
		this.outcomes = new Map(this.outcomes).set(agent, { tone, text });
		return tone === 'ok';
	}

	#add(entries: readonly ThreadEntry[]) {
		if (entries.length === 0) return;
		const byAgent = new Map<string, ThreadEntry[]>();
		for (const entry of entries)
			for (const party of partiesOf(entry)) {
				const list = byAgent.get(party);
				if (list) list.push(entry);
				else byAgent.set(party, [entry]);
			}
		let changed = false;
		for (const [agent, added] of byAgent) {
			const before = this.#threads.get(agent) ?? [];
			const after = withEntries(before, added);
			if (after !== before) {
				this.#threads.set(agent, after);
				changed = true;
			}
		}
		if (changed) this.version += 1;
	}
}
