/** One line per message for a traffic list: what it is, who sent it to whom, when, and a preview. */
import type { Decoded } from './decode';
import type { Route } from './subjects';
import { parseTimestamp } from './timestamps';

export interface MessageSummary {
	/** Message type in the sender's own words: `status_update`, `heartbeat`, `query`, … */
	type: string;
	from: string | null;
	/** Recipient as a person reads it: an agent id, `everyone`, `team x` or `queue y`. */
	to: string | null;
	/** Sender's timestamp, read as UTC when it has no zone. */
	sentAt: Date | null;
	preview: string;
	/** Why the message is invalid, or what is off about its content; null when all is well. */
	problem: string | null;
	valid: boolean;
}

const PREVIEW_LENGTH = 160;
// Bidi overrides and other invisible controls could make a preview read differently from what it holds.
/* eslint-disable no-control-regex -- these are exactly what we look for */
const INVISIBLE =
	/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;
/** The same, and line feeds: a single-line field must not start a fake line of its own. */
const INVISIBLE_OR_NEWLINE =
	/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;
/* eslint-enable no-control-regex */

/**
 * Text with every control, invisible and bidi character written out (`\u{1b}`, `\u{202e}`), so a
 * terminal or a page shows what it holds and nothing in it can act: no escape sequence retitling or
 * clearing a terminal, no bidi override reordering what a person reads. Line breaks stay when
 * `keepLines` is set.
 */
export function visibleControls(text: string, keepLines = false): string {
	return text.replace(
		keepLines ? INVISIBLE : INVISIBLE_OR_NEWLINE,
		(c) => `\\u{${c.codePointAt(0)!.toString(16)}}`
	);
}

/** A single line of at most `max` characters, with invisible control characters made visible. */
export function previewText(text: string, max = PREVIEW_LENGTH): string {
	const head = text.length > max * 4 ? text.slice(0, max * 4) : text;
	const line = head
		.replace(/\s+/gu, ' ')
		.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
		.trim();
	return line.length > max || text.length > head.length ? `${line.slice(0, max - 1)}…` : line;
}

/** What the subject says the message is, for a message whose payload cannot say it. */
function typeOfRoute(route: Route | null): string {
	if (!route) return 'unknown';
	if ('type' in route) return route.type;
	return route.kind.replace(/^(seed|volta)\./u, '');
}

function recipientOf(route: Route | null): string | null {
	if (!route) return null;
	switch (route.kind) {
		case 'seed.direct':
		case 'volta.message':
			return route.agentId;
		case 'seed.team':
			return `team ${route.teamId}`;
		case 'seed.queue':
			return `queue ${route.queue}`;
		case 'seed.broadcast':
		case 'volta.broadcast':
		case 'volta.announce':
		case 'volta.status':
		case 'volta.heartbeat':
			return 'everyone';
		default:
			return null;
	}
}

const CONTENT_HEADLINES = ['question', 'blocker', 'answer', 'message', 'status'] as const;

function contentPreview(content: Record<string, unknown>): string {
	for (const key of CONTENT_HEADLINES) {
		const value = content[key];
		if (typeof value === 'string' && value.length > 0) {
			const rest = Object.keys(content).filter((k) => k !== key);
			const extra =
				rest.length > 0 ? ` ${safeJson(Object.fromEntries(rest.map((k) => [k, content[k]])))}` : '';
			return previewText(`${value}${extra}`);
		}
	}
	return previewText(safeJson(content));
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

/** The message type in the sender's own words, without building the rest of the summary. */
export function messageType(decoded: Decoded): string {
	if (!decoded.ok) return typeOfRoute(decoded.route);
	if (decoded.dialect === 'seed') return decoded.envelope.message_type;
	const { payload } = decoded;
	return payload.kind === 'message' ? payload.value.type : payload.kind;
}

/** Whether a message is valid: it decoded, and seed content has its documented shape. */
export function isValid(decoded: Decoded): boolean {
	return decoded.ok && (decoded.dialect !== 'seed' || decoded.content.ok);
}

/** Summarises a decoded message; `rawText` is only read for invalid ones. */

export function summarize(decoded: Decoded, rawText: () => string): MessageSummary {
	if (!decoded.ok) {
		return {
			type: messageType(decoded),
			from: null,
			to: recipientOf(decoded.route),
			sentAt: null,
			preview: previewText(rawText()),
			problem: decoded.reason,
			valid: false
		};
	}
	if (decoded.dialect === 'seed') {
		const { envelope, content } = decoded;
		return {
			type: envelope.message_type,
			from: envelope.from_agent,
			to: envelope.to_agent ?? recipientOf(decoded.route),
			sentAt: parseTimestamp(envelope.timestamp),
			preview: contentPreview(envelope.content),
			problem: content.ok ? null : content.reason,
			valid: content.ok
		};
	}
	const { payload } = decoded;
	const base = {
		type: messageType(decoded),
		sentAt: parseTimestamp(payload.value.timestamp ?? ''),
		problem: null,
		valid: true
	};
	switch (payload.kind) {
		case 'announce':
			return {
				...base,
				from: payload.value.id,
				to: 'everyone',
				preview: previewText(
					`${payload.value.name} — ${payload.value.capabilities.join(', ') || 'no capabilities'}`
				)
			};
		case 'status':
		case 'heartbeat':
			return {
				...base,
				from: payload.value.agentId,
				to: 'everyone',
				preview: previewText(payload.value.status)
			};
		case 'message':
			return {
				...base,
				from: payload.value.from,
				to: payload.value.to === 'all' ? 'everyone' : payload.value.to,
				preview: previewText(payload.value.message)
			};
		case 'list_agents':
			return {
				...base,
				from: payload.value.requestFrom ?? null,
				to: 'everyone',
				preview: previewText(`status=${payload.value.status ?? 'all'}`)
			};
		case 'get_agent_info':
			return {
				...base,
				from: payload.value.requestFrom ?? null,
				to: 'everyone',
				preview: previewText(`agent ${payload.value.agentId ?? payload.value.id}`)
			};
		case 'capability_request':
			return {
				...base,
				from: payload.value.from,
				to: 'everyone',
				preview: previewText(payload.value.capability)
			};
	}
}
