/**
 * The formats Switchboard adds to both dialects, and the replies it gives, as zod schemas: what the
 * AsyncAPI document (docs/asyncapi.yaml, ./asyncapi.ts) is generated from, beside the dialects'
 * own schemas in envelope.ts and volta.ts.
 */
import { z } from 'zod';
import { AnswerContentSchema, QuestionContentSchema, UrgencySchema } from './envelope';
import { FieldSchemaSchema } from './questions';

/** Who answered, as every answer names them. */
export const ResponderSchema = z.object({ id: z.string().min(1), name: z.string() });

/** A form's values, typed as the question's fields say. */
export const FieldValuesSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/**
 * A seed QUESTION as Switchboard reads it: the documented content plus what it understands when an
 * agent sends it (docs/protocol.md §6.1). Agents that do not know these fields just leave them out.
 */
export const SwitchboardQuestionContentSchema = QuestionContentSchema.extend({
	options: z.array(z.string()).optional().describe('one-click answers'),
	fields: z.record(z.string(), FieldSchemaSchema).optional().describe('a flat form: field name → its schema'),
	deadline: z.string().optional().describe('ISO 8601: when the answer stops being useful'),
	expires_at: z.string().optional().describe('the same as deadline, under another name'),
	timeout_seconds: z.number().optional().describe('how long after it was sent the answer stops being useful'),
	request_id: z.string().optional().describe('the asker’s own id for the question; echoed in the answer'),
	capability: z.string().optional().describe('what the person answering must handle (docs/protocol.md §9.4)'),
	capabilities: z.array(z.string()).optional().describe('several of them'),
	team: z.string().optional().describe('the team the question is for'),
	args: z
		.record(z.string(), z.unknown())
		.optional()
		.describe('an approval request: the arguments of the action proposed, which a person may edit (§6.7)'),
	action: z.string().optional().describe('the name of the action the args are for')
});

/** A seed ANSWER as Switchboard sends it: the documented content plus who answered and how. */
export const SwitchboardAnswerContentSchema = AnswerContentSchema.extend({
	answered_by: ResponderSchema,
	question: z.string().optional().describe('the question’s text, so an asker can match it'),
	blocker: z.string().optional().describe('the blocker’s text, for an answer to a blocker'),
	request_id: z.string().optional(),
	choice: z.string().optional().describe('the option picked'),
	fields: FieldValuesSchema.optional(),
	decision: z.enum(['approve', 'reject']).optional().describe('for a blocker, or a proposal'),
	args: z
		.record(z.string(), z.unknown())
		.optional()
		.describe('the proposal as approved: the question’s args, or {resolution} for a blocker (§6.7)'),
	edited: z.boolean().optional().describe('true when the person changed the proposal or a form’s defaults')
});

/** Volta query metadata Switchboard reads; Volta's agents send any metadata. */
export const VoltaQueryMetadataSchema = z.looseObject({
	urgency: UrgencySchema.optional(),
	context: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
	options: z.array(z.string()).optional(),
	fields: z.record(z.string(), FieldSchemaSchema).optional(),
	requestId: z.string().optional(),
	capability: z.string().optional(),
	capabilities: z.array(z.string()).optional(),
	team: z.string().optional(),
	args: z.record(z.string(), z.unknown()).optional(),
	action: z.string().optional()
});

/** One agent in the reply to Volta's `mcp.list_agents`. */
export const ListedAgentSchema = z.object({
	id: z.string(),
	name: z.string(),
	status: z.enum(['online', 'offline']),
	lastSeen: z.string(),
	capabilities: z.array(z.string())
});
export type ListedAgent = z.infer<typeof ListedAgentSchema>;

export const ListAgentsReplySchema = z.union([z.array(ListedAgentSchema), z.object({ error: z.string() })]);

const ServiceBaseSchema = z.object({
	name: z.string(),
	id: z.string(),
	version: z.string(),
	metadata: z.record(z.string(), z.string())
});

/** The NATS services protocol's replies (io.nats.micro.v1), as Switchboard's participants give them. */
export const ServicePingResponseSchema = ServiceBaseSchema.extend({
	type: z.literal('io.nats.micro.v1.ping_response')
});
export const ServiceInfoResponseSchema = ServiceBaseSchema.extend({
	type: z.literal('io.nats.micro.v1.info_response'),
	description: z.string(),
	endpoints: z.array(
		z.object({
			name: z.string(),
			subject: z.string(),
			queue_group: z.string(),
			metadata: z.record(z.string(), z.string()).nullable()
		})
	)
});
export const ServiceStatsResponseSchema = ServiceBaseSchema.extend({
	type: z.literal('io.nats.micro.v1.stats_response'),
	started: z.string(),
	endpoints: z.array(
		z.object({
			name: z.string(),
			subject: z.string(),
			queue_group: z.string(),
			num_requests: z.number(),
			num_errors: z.number(),
			last_error: z.string(),
			processing_time: z.number(),
			average_processing_time: z.number()
		})
	)
});
