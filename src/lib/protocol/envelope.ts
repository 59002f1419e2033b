/**
 * The orchestrator's `AgentMessage` envelope (Python, `src/coordination/nats_bus.py`), and the
 * content shapes its asyncapi document gives for the message types a human deals with.
 */
import { z } from 'zod';
import { describeIssues } from './issues';
import { formatSeedTimestamp, isTimestamp } from './timestamps';

/** The 11 original message types, then the 7 added later: the Python receiver drops any other. */
export const MESSAGE_TYPES = [
	'status_update',
	'task_assignment',
	'task_complete',
	'task_failed',
	'question',
	'answer',
	'blocker',
	'resource_request',
	'resource_response',
	'coordination_request',
	'heartbeat',
	'task_assigned',
	'stop_task',
	'update_goal',
	'pause_agent',
	'resume_agent',
	'ping',
	'pong'
] as const;

export const MessageTypeSchema = z.enum(MESSAGE_TYPES);
export type MessageType = z.infer<typeof MessageTypeSchema>;

export function isMessageType(value: string): value is MessageType {
	return (MESSAGE_TYPES as readonly string[]).includes(value);
}

export const TimestampSchema = z.string().refine(isTimestamp, { message: 'is not an ISO 8601 timestamp' });

const ContentSchema = z.record(z.string(), z.unknown());

/**
 * The envelope as the Python receiver reads it: it requires `from_agent`, a known `message_type`,
 * `content` and `timestamp`, and ignores extra keys (kept here, never stripped).
 */
export const AgentMessageSchema = z.looseObject({
	from_agent: z.string().min(1),
	to_agent: z.string().nullable().default(null),
	message_type: MessageTypeSchema,
	content: ContentSchema,
	timestamp: TimestampSchema,
	correlation_id: z.string().nullable().default(null)
});
export type AgentMessage = z.infer<typeof AgentMessageSchema>;

export const UrgencySchema = z.enum(['low', 'medium', 'high']);
export const ImpactSchema = z.enum(['low', 'medium', 'high', 'critical']);

export const QuestionContentSchema = z.looseObject({
	question: z.string().min(1),
	context: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
	urgency: UrgencySchema.optional()
});
export type QuestionContent = z.infer<typeof QuestionContentSchema>;

export const BlockerContentSchema = z.looseObject({
	blocker: z.string().min(1),
	work_stream: z.string().min(1),
	impact: ImpactSchema.optional(),
	suggested_resolution: z.string().optional()
});
export type BlockerContent = z.infer<typeof BlockerContentSchema>;

export const AnswerContentSchema = z.looseObject({
	answer: z.string(),
	question_id: z.string().min(1),
	confidence: z.number().optional()
});
export type AnswerContent = z.infer<typeof AnswerContentSchema>;

export const HeartbeatContentSchema = z.looseObject({
	status: z.enum(['alive', 'healthy', 'degraded']),
	uptime: z.unknown().optional(),
	metrics: z.unknown().optional()
});
export type HeartbeatContent = z.infer<typeof HeartbeatContentSchema>;

/** Documented: starting/in_progress/completed/failed/blocked; running code also sends started, stop_command, … */
export const StatusUpdateContentSchema = z.looseObject({
	status: z.string().min(1)
});
export type StatusUpdateContent = z.infer<typeof StatusUpdateContentSchema>;

/** Content schemas for the types whose content the seed documents; other types carry any object. */
export const CONTENT_SCHEMAS = {
	question: QuestionContentSchema,
	blocker: BlockerContentSchema,
	answer: AnswerContentSchema,
	heartbeat: HeartbeatContentSchema,
	status_update: StatusUpdateContentSchema
} as const satisfies Partial<Record<MessageType, z.ZodType>>;

/** Whether content is what its type's schema says; `issues` is what is not, without the "content:" lead. */
export type ContentCheck = { ok: true } | { ok: false; reason: string; issues: string };

const HEARTBEAT_STATUSES: ReadonlySet<unknown> = new Set(HeartbeatContentSchema.shape.status.options);
const MESSAGE_TYPE_SET: ReadonlySet<unknown> = new Set(MESSAGE_TYPES);

/**
 * The envelope schema's answer for the common case, checked by hand: heartbeats and status updates
 * are most of the bus, and a schema parse of each cost more than reading it. Accepts only what
 * `AgentMessageSchema` accepts (a test holds the two together); anything else returns null and goes
 * to the schema, which says what is wrong. Fills the defaults in place, as the schema would.
 */
export function readEnvelope(value: unknown): AgentMessage | null {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
	const v = value as Record<string, unknown>;
	const { from_agent, to_agent, message_type, content, timestamp, correlation_id } = v;
	if (typeof from_agent !== 'string' || from_agent.length === 0) return null;
	if (to_agent !== undefined && to_agent !== null && typeof to_agent !== 'string') return null;
	if (!MESSAGE_TYPE_SET.has(message_type)) return null;
	if (typeof content !== 'object' || content === null || Array.isArray(content)) return null;
	if (Object.getPrototypeOf(content) !== Object.prototype) return null;
	if (typeof timestamp !== 'string' || !isTimestamp(timestamp)) return null;
	if (correlation_id !== undefined && correlation_id !== null && typeof correlation_id !== 'string')
		return null;
	if (to_agent === undefined) v.to_agent = null;
	if (correlation_id === undefined) v.correlation_id = null;
	return v as AgentMessage;
}

/** Checks an envelope's content against the documented shape for its type, if there is one. */
export function checkContent(type: MessageType, content: Record<string, unknown>): ContentCheck {
	// The two types that make up most traffic, by hand (they match their schemas exactly).
	if (type === 'status_update' && typeof content.status === 'string' && content.status.length > 0)
		return { ok: true };
	if (type === 'heartbeat' && HEARTBEAT_STATUSES.has(content.status)) return { ok: true };

	const schema = type in CONTENT_SCHEMAS ? CONTENT_SCHEMAS[type as keyof typeof CONTENT_SCHEMAS] : null;
	if (!schema) return { ok: true };
	const result = schema.safeParse(content);
	if (result.success) return { ok: true };
	const issues = describeIssues(result.error, content);
	return { ok: false, reason: `content: ${issues}`, issues };
}

/** Thrown when Switchboard is asked to send an envelope the seed's receiver would drop. */
export class EnvelopeError extends Error {
	override name = 'EnvelopeError';
}

export interface EnvelopeInput {
	from: string;
	to?: string | null;
	type: MessageType;
	content: Record<string, unknown>;
	correlationId?: string | null;
	now?: Date;
}

/**
 * Builds an envelope the seed's Python receiver accepts: all six keys, in its order, a known type,
 * a timestamp in its own format, and content of the documented shape for that type.
 */
export function createEnvelope(input: EnvelopeInput): AgentMessage {
	const envelope = {
		from_agent: input.from,
		to_agent: input.to ?? null,
		message_type: input.type,
		content: input.content,
		timestamp: formatSeedTimestamp(input.now ?? new Date()),
		correlation_id: input.correlationId ?? null
	};
	const parsed = AgentMessageSchema.safeParse(envelope);
	if (!parsed.success)
		throw new EnvelopeError(`Cannot send this message: ${describeIssues(parsed.error, envelope)}`);
	const content = checkContent(envelope.message_type, envelope.content);
	if (!content.ok) throw new EnvelopeError(`Cannot send this ${input.type}: ${content.reason}`);
	return envelope;
}

/** A correlation id of the seed's own form: `{from_agent}-{unix seconds with microseconds}`. */
export function newCorrelationId(from: string, now = new Date()): string {
	return `${from}-${(now.getTime() / 1000).toFixed(6)}`;
}

const encoder = new TextEncoder();

/** UTF-8 JSON with the envelope's six keys first, in the seed's order. */
export function encodeEnvelope(envelope: AgentMessage): Uint8Array {
	const { from_agent, to_agent, message_type, content, timestamp, correlation_id, ...extra } = envelope;
	const ordered = { from_agent, to_agent, message_type, content, timestamp, correlation_id, ...extra };
	return encoder.encode(JSON.stringify(ordered));
}
