/**
 * Questions and answers between agents and humans: how an answer names its question (left open by
 * the seed), the answer formats of both dialects, claim and answer records kept in KV, and the flat
 * field schemas a question may carry. See docs/protocol.md §6.
 */
import { z } from 'zod';
import { createEnvelope, type AgentMessage } from './envelope';
import { createMcpMessage, type McpMessage } from './volta';
import { parseTimestamp } from './timestamps';

/**
 * The id an answer's `question_id` carries. The seed's QUESTION content has no id, so: **an id the
 * asker chose** and put in its content (`question_id`, else `request_id`) — the one way an asker using
 * the seed's own calls can match an answer, since `send_to_agent` and `broadcast` make the timestamp
 * inside and return nothing, and `request()` keeps its correlation id to itself — else the
 * question's `correlation_id` (the seed's `request()` always sets it), else `{from_agent}-{timestamp}`.
 * For a Volta query: its `metadata.requestId` when present, else `{from}-{timestamp}`.
 */
export function seedQuestionId(envelope: AgentMessage): string {
	for (const key of ['question_id', 'request_id'] as const) {
		const chosen = envelope.content[key];
		if (typeof chosen === 'string' && chosen.trim()) return chosen;
	}
	return envelope.correlation_id || `${envelope.from_agent}-${envelope.timestamp}`;
}

/** What the seed's `request()` waits for a reply when the caller does not say: 5 s. */
export const SEED_REQUEST_TIMEOUT_MS = 5_000;

/**
 * Until when an asker that sent its question by request/reply waits for the reply: the question's own
 * `deadline`, `expires_at` or `timeout_seconds` when it states one, else the seed's default `request()`
 * timeout from when the question arrived (the asker's clock may differ from ours; arrival does not).
 */
export function replyWaitsUntil(
	content: Record<string, unknown>,
	sentAt: Date | null,
	receivedAt: number
): number {
	const stated = deadlineOf(content, sentAt);
	if (stated) return stated.getTime();
	if (typeof content.timeout_seconds === 'number' && content.timeout_seconds > 0)
		return receivedAt + content.timeout_seconds * 1000;
	return receivedAt + SEED_REQUEST_TIMEOUT_MS;
}

export function voltaQuestionId(message: McpMessage): string {
	const requestId = message.metadata?.requestId;
	return typeof requestId === 'string' && requestId ? requestId : `${message.from}-${message.timestamp}`;
}

/**
 * The key of one agent's question: FNV-1a, 64 bit, of the asker's id, a newline and the question id
 * (KV keys and subject tokens allow only `[-/_=.a-zA-Z0-9]`). Question ids are the asker's own
 * (`request_id: "req-1"`, Volta's `requestId`): two agents may well choose the same one, and each
 * question is still answered on its own. An agent id is a subject token, so it holds no newline and
 * the pair is never ambiguous.
 */
export function questionKey(asker: string, questionId: string): string {
	let hash = 0xcbf29ce484222325n;
	for (const byte of new TextEncoder().encode(`${asker}\n${questionId}`)) {
		hash ^= BigInt(byte);
		hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
	}
	return `q_${hash.toString(16).padStart(16, '0')}`;
}

/** A field of a question's flat form (in the spirit of MCP elicitation's primitive schemas). */
export const FieldSchemaSchema = z.object({
	type: z.enum(['string', 'number', 'integer', 'boolean']),
	title: z.string().optional(),
	description: z.string().optional(),
	enum: z.array(z.string()).min(1).optional(),
	minimum: z.number().optional(),
	maximum: z.number().optional(),
	required: z.boolean().optional(),
	/** What the asker proposes: the form starts with it, and an answer that changes it says it was edited. */
	default: z.union([z.string(), z.number(), z.boolean()]).optional()
});
export type FieldSchema = z.infer<typeof FieldSchemaSchema>;

/** `content.fields`: field name → its schema. At most 20 fields, names of letters, digits, _ and -. */
export const FieldsSchema = z
	.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u), FieldSchemaSchema)
	.refine((fields) => Object.keys(fields).length <= 20, { message: 'has more than 20 fields' });
export type Fields = z.infer<typeof FieldsSchema>;

export type FieldValues = Record<string, string | number | boolean>;

/**
 * Checks what a person typed into a question's form. `raw` holds strings from text inputs and
 * booleans from checkboxes; the result has values of the field's type, or an error per field.
 */
export function validateFieldValues(
	fields: Fields,
	raw: Record<string, string | number | boolean | null | undefined>
): { ok: true; values: FieldValues } | { ok: false; errors: Record<string, string> } {
	const values: FieldValues = {};
	const errors: Record<string, string> = {};
	for (const [name, field] of Object.entries(fields)) {
		const label = field.title ?? name;
		const input = raw[name];
		if (field.type === 'boolean') {
			values[name] = input === true || input === 'true';
			continue;
		}
		// Number inputs bind numbers (or null when empty); text inputs and selects bind strings.
		const text = typeof input === 'string' ? input.trim() : typeof input === 'number' ? String(input) : '';

		if (text === '') {
			if (field.required) errors[name] = `${label} is required.`;
			continue;
		}
		if (field.enum && !field.enum.includes(text)) {
			errors[name] = `${label} must be one of: ${field.enum.join(', ')}.`;
			continue;
		}
		if (field.type === 'string') {
			values[name] = text;
			continue;
		}
		const number = Number(text);
		if (!Number.isFinite(number) || (field.type === 'integer' && !Number.isInteger(number))) {
			errors[name] = `${label} must be ${field.type === 'integer' ? 'a whole number' : 'a number'}.`;
		} else if (field.minimum !== undefined && number < field.minimum) {
			errors[name] = `${label} must be at least ${field.minimum}.`;
		} else if (field.maximum !== undefined && number > field.maximum) {
			errors[name] = `${label} must be at most ${field.maximum}.`;
		} else {
			values[name] = number;
		}
	}
	return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}

/**
 * A question's deadline: `content.deadline` or `content.expires_at` (ISO 8601), or
 * `content.timeout_seconds` after it was sent.
 */
export function deadlineOf(content: Record<string, unknown>, sentAt: Date | null): Date | null {
	for (const key of ['deadline', 'expires_at'] as const)
		if (typeof content[key] === 'string') {
			const at = parseTimestamp(content[key]);
			if (at) return at;
		}
	if (typeof content.timeout_seconds === 'number' && content.timeout_seconds > 0 && sentAt) {
		return new Date(sentAt.getTime() + content.timeout_seconds * 1000);
	}
	return null;
}

/** What a human answered, in every form the asker may read. */
export interface HumanAnswer {
	/** The answer in words (always present: the seed's `answer` is a string). */
	text: string;
	/** The option picked, when the question offered `options`. */
	choice?: string;
	/** Values of the question's form, typed. */
	fields?: FieldValues;
	/** For a blocker: approve or reject, with the text as comment. */
	decision?: 'approve' | 'reject';
	/** The proposal as approved, when the question proposed one (§6.7): its arguments, or `{resolution}`. */
	args?: Record<string, unknown>;
	/** True when the person changed the proposal (or a form's defaults) before approving it. */
	edited?: boolean;
}

export interface Responder {
	id: string;
	name: string;
}

/** The optional parts of an answer, only those given, for both dialects' formats. */
function answerExtras(
	answer: HumanAnswer
): Partial<Pick<HumanAnswer, 'choice' | 'fields' | 'decision' | 'args' | 'edited'>> {
	return {
		...(answer.choice !== undefined ? { choice: answer.choice } : {}),
		...(answer.fields !== undefined ? { fields: answer.fields } : {}),
		...(answer.decision !== undefined ? { decision: answer.decision } : {}),
		...(answer.args !== undefined ? { args: answer.args } : {}),
		...(answer.edited !== undefined ? { edited: answer.edited } : {})
	};
}

/**
 * The seed ANSWER envelope: `answer`, `question_id` and who answered, with the question's correlation
 * id, and what lets an asker match it whichever call it asked with: the question's own text
 * (`question`, or `blocker`) and the asker's `request_id` when it chose one.
 */
export function createAnswerEnvelope(
	question: AgentMessage,
	answer: HumanAnswer,
	by: Responder,
	now = new Date()
): AgentMessage {
	const asked = question.content;
	const text = (key: string) => (typeof asked[key] === 'string' ? { [key]: asked[key] } : {});
	return createEnvelope({
		from: by.id,
		to: question.from_agent,
		type: 'answer',
		content: {
			answer: answer.text,
			question_id: seedQuestionId(question),
			...(question.message_type === 'blocker' ? text('blocker') : text('question')),
			...text('request_id'),
			answered_by: { id: by.id, name: by.name },
			...answerExtras(answer)
		},
		correlationId: question.correlation_id,
		now
	});
}

/** Volta's reply to a query: a `response` MCPMessage with the query's metadata copied, as its agents do. */
export function createVoltaResponse(
	query: McpMessage,
	answer: HumanAnswer,
	by: Responder,
	now = new Date()
): McpMessage {
	return createMcpMessage({
		from: by.id,
		to: query.from,
		message: answer.text,
		type: 'response',
		metadata: {
			...query.metadata,
			// Volta's agents name themselves here in what they send; the query's own value named the asker.
			fromAgent: by.id,
			responseFrom: by.id,
			responseTime: now.toISOString(),
			question_id: voltaQuestionId(query),
			answered_by: by,
			...answerExtras(answer)
		},
		now
	});
}

/** Who is on a question ("I'm on it"), as kept in KV. Untrusted on read, like anything from the bus. */
export const ClaimRecordSchema = z.object({
	question_id: z.string().min(1),
	by: z.object({ id: z.string().min(1), name: z.string() }),
	at: z.string()
});
export type ClaimRecord = z.infer<typeof ClaimRecordSchema>;

/** The answer that won, as kept in KV: the audit trail. */
export const AnswerRecordSchema = z.object({
	question_id: z.string().min(1),
	by: z.object({ id: z.string().min(1), name: z.string() }),
	at: z.string(),
	answer: z.object({
		text: z.string(),
		choice: z.string().optional(),
		fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
		decision: z.enum(['approve', 'reject']).optional(),
		args: z.record(z.string(), z.unknown()).optional(),
		edited: z.boolean().optional()
	}),
	/** What was asked, so the history reads on its own. */
	question: z.object({ from: z.string(), kind: z.string(), text: z.string(), subject: z.string() })
});
export type AnswerRecord = z.infer<typeof AnswerRecordSchema>;

/**
 * What a question proposes to do, which a person may edit before approving (§6.7): a blocker's
 * `suggested_resolution`, or an approval request's `args` (an object, with an optional `action` name).
 */
export type Proposal =
	| { kind: 'resolution'; text: string }
	| { kind: 'args'; action: string | null; args: Record<string, unknown> };

export function proposalOf(kind: string, fields: Record<string, unknown>): Proposal | null {
	const { args, action, suggested_resolution } = fields;
	if (args && typeof args === 'object' && !Array.isArray(args))
		return {
			kind: 'args',
			action: typeof action === 'string' && action.trim() ? action : null,
			args: args as Record<string, unknown>
		};
	if (kind === 'blocker' && typeof suggested_resolution === 'string' && suggested_resolution.trim())
		return { kind: 'resolution', text: suggested_resolution };
	return null;
}

/** Key order aside, whether two JSON values are the same. */
export function sameJson(a: unknown, b: unknown): boolean {
	const canonical = (value: unknown): unknown =>
		Array.isArray(value)
			? value.map(canonical)
			: value && typeof value === 'object'
				? Object.fromEntries(
						Object.keys(value)
							.sort()
							.map((key) => [key, canonical((value as Record<string, unknown>)[key])])
					)
				: value;
	return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * The answer that approves a proposal, as proposed or edited: `args` carries what was approved (for a
 * resolution, `{resolution}`), `edited` whether it differs from the proposal, and the text says so.
 */
export function approvalOf(
	proposal: Proposal,
	approved: Record<string, unknown> | string,
	comment = ''
): HumanAnswer {
	const args =
		proposal.kind === 'resolution'
			? { resolution: typeof approved === 'string' ? approved.trim() : String(approved.resolution ?? '') }
			: (approved as Record<string, unknown>);
	const edited =
		proposal.kind === 'resolution'
			? args.resolution !== proposal.text.trim()
			: !sameJson(args, proposal.args);
	const what = proposal.kind === 'resolution' ? `: ${args.resolution}` : '';
	const note = comment.trim() ? ` (${comment.trim()})` : '';
	return {
		text: `${edited ? 'Approved with edits' : 'Approved'}${what}${note}`,
		decision: 'approve',
		args,
		edited
	};
}
