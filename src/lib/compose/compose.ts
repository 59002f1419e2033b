/**
 * Composing a message as the joined agent: everything is checked before anything is sent — the
 * content is JSON, the envelope is one the seed accepts, the subject is routable, the size fits.
 */
import { describeError } from '../connection';
import {
	EnvelopeError,
	MCP_MESSAGE_TYPES,
	SubjectError,
	createEnvelope,
	createMcpMessage,
	encodeEnvelope,
	newCorrelationId,
	seedSubjects,
	voltaSubjects,
	type MessageType
} from '../protocol';

export const COMPOSE_MODES = ['broadcast', 'direct', 'team', 'queue', 'request'] as const;
export type ComposeMode = (typeof COMPOSE_MODES)[number];

/** Which system's format: the orchestrator's envelope, or Volta Shell's MCPMessage. */
export type ComposeDialect = 'seed' | 'volta';
export type VoltaComposeType = Exclude<(typeof MCP_MESSAGE_TYPES)[number], 'response'>;
/** What a person starts a conversation with; `response` is what agents send back. */
export const VOLTA_COMPOSE_TYPES: readonly VoltaComposeType[] = ['text', 'command', 'query'];
/** Volta Shell has direct messages and a broadcast, nothing else. */
export const VOLTA_MODES: readonly ComposeMode[] = ['direct', 'broadcast'];

export interface Draft {
	dialect?: ComposeDialect;
	/** For Volta: text, command or query. */
	voltaType?: VoltaComposeType;
	mode: ComposeMode;
	type: MessageType;
	/** Agent id (direct, request), team id or queue name. */
	target: string;
	/** The content as JSON text; for Volta, the message itself. */
	content: string;
}

export type Outgoing = { ok: true; subject: string; bytes: Uint8Array } | { ok: false; error: string };

function formatBytes(n: number): string {
	return n >= 1024 * 1024
		? `${(n / 1024 / 1024).toFixed(1)} MB`
		: n >= 1024
			? `${Math.round(n / 1024)} kB`
			: `${n} bytes`;
}

export function buildOutgoing(draft: Draft, from: string, maxPayload: number, now = new Date()): Outgoing {
	if (draft.dialect === 'volta') return buildVolta(draft, from, maxPayload, now);
	let content: unknown;
	try {
		content = JSON.parse(draft.content.trim() || '{}');
	} catch (error) {
		return {
			ok: false,
			error: `The content is not JSON (${describeError(error)}).`
		};
	}
	if (!content || typeof content !== 'object' || Array.isArray(content)) {
		return { ok: false, error: 'The content must be a JSON object, like {"status": "in_progress"}.' };
	}
	const target = draft.target.trim();
	if (draft.mode !== 'broadcast' && !target) {
		const what = { direct: 'agent id', request: 'agent id', team: 'team', queue: 'queue name' }[draft.mode];
		return { ok: false, error: `Say which ${what} to send to.` };
	}
	try {
		const subject =
			draft.mode === 'broadcast'
				? seedSubjects.broadcast(draft.type)
				: draft.mode === 'team'
					? seedSubjects.team(target, draft.type)
					: draft.mode === 'queue'
						? seedSubjects.queue(target)
						: seedSubjects.direct(target, draft.type);
		const envelope = createEnvelope({
			from,
			to: draft.mode === 'direct' || draft.mode === 'request' ? target : null,
			type: draft.type,
			content: content as Record<string, unknown>,
			correlationId: draft.mode === 'request' ? newCorrelationId(from, now) : null,
			now
		});
		const bytes = encodeEnvelope(envelope);
		if (bytes.length > maxPayload) {
			return {
				ok: false,
				error: `The message is ${formatBytes(bytes.length)}; this server accepts at most ${formatBytes(maxPayload)}. Send less content.`
			};
		}
		return { ok: true, subject, bytes };
	} catch (error) {
		if (error instanceof EnvelopeError || error instanceof SubjectError)
			return { ok: false, error: error.message };
		throw error;
	}
}

/**
 * A Volta Shell MCPMessage from the person: `text`, `command` or `query`, to one agent
 * (`agent.{id}.message`) or to all (`agent.broadcast`, `to: "all"`). A query carries a `requestId` in
 * its metadata: Volta's agents copy the metadata into their responses, the only way to match them.
 */
function buildVolta(draft: Draft, from: string, maxPayload: number, now: Date): Outgoing {
	if (!VOLTA_MODES.includes(draft.mode))
		return {
			ok: false,
			error: 'Volta Shell has direct messages and a broadcast only: choose “To an agent” or “Broadcast”.'
		};
	const text = draft.content.trim();
	if (!text) return { ok: false, error: 'Write the message to send.' };
	const target = draft.target.trim();
	if (draft.mode === 'direct' && !target) return { ok: false, error: 'Say which agent id to send to.' };
	const type = draft.voltaType ?? 'text';
	try {
		const subject = draft.mode === 'direct' ? voltaSubjects.message(target) : voltaSubjects.broadcast;
		const message = createMcpMessage({
			from,
			to: draft.mode === 'direct' ? target : 'all',
			message: text,
			type,
			metadata: type === 'query' ? { requestId: newCorrelationId(from, now) } : undefined,
			now
		});
		const bytes = new TextEncoder().encode(JSON.stringify(message));
		if (bytes.length > maxPayload)
			return {
				ok: false,
				error: `The message is ${formatBytes(bytes.length)}; this server accepts at most ${formatBytes(maxPayload)}. Send less.`
			};
		return { ok: true, subject, bytes };
	} catch (error) {
		if (error instanceof SubjectError) return { ok: false, error: error.message };
		throw error;
	}
}
