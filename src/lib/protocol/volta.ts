/** Volta Shell's payloads (TypeScript agents on `agent.*`), as its source writes them. */
import { z } from 'zod';
import { TimestampSchema } from './envelope';
import { formatIsoTimestamp } from './timestamps';

export const VoltaAnnounceSchema = z.looseObject({
	id: z.string().min(1),
	name: z.string(),
	capabilities: z.array(z.string()),
	timestamp: TimestampSchema
});
export type VoltaAnnounce = z.infer<typeof VoltaAnnounceSchema>;

export const VoltaStatusSchema = z.looseObject({
	agentId: z.string().min(1),
	status: z.enum(['online', 'offline']),
	timestamp: TimestampSchema
});
export type VoltaStatus = z.infer<typeof VoltaStatusSchema>;

export const VoltaHeartbeatSchema = z.looseObject({
	agentId: z.string().min(1),
	status: z.enum(['alive', 'stopping']),
	timestamp: TimestampSchema,
	uptime: z.number(),
	tasksProcessed: z.number()
});
export type VoltaHeartbeat = z.infer<typeof VoltaHeartbeatSchema>;

export const MCP_MESSAGE_TYPES = ['text', 'command', 'query', 'response'] as const;

/** Volta's MCPMessage, on `agent.{id}.message` (direct) and `agent.broadcast` (`to: "all"`). */
export const McpMessageSchema = z.looseObject({
	from: z.string().min(1),
	to: z.string().min(1),
	message: z.string(),
	type: z.enum(MCP_MESSAGE_TYPES),
	metadata: z.record(z.string(), z.unknown()).optional(),
	timestamp: TimestampSchema
});
export type McpMessage = z.infer<typeof McpMessageSchema>;

export const ListAgentsRequestSchema = z.looseObject({
	action: z.literal('list_agents'),
	status: z.enum(['all', 'online', 'offline']).optional(),
	requestFrom: z.string().optional(),
	timestamp: TimestampSchema.optional()
});
export type ListAgentsRequest = z.infer<typeof ListAgentsRequestSchema>;

/**
 * **Decision** (Volta's client calls `mcp.get_agent_info` but no responder ever existed, and no
 * format is written down): `{agentId}` (also `{id}`), with `action: "get_agent_info"`, `requestFrom`
 * and `timestamp` optional. The reply is that agent in `list_agents`' format, or `{error}`.
 */
export const GetAgentInfoRequestSchema = z
	.looseObject({
		action: z.literal('get_agent_info').optional(),
		agentId: z.string().min(1).optional(),
		id: z.string().min(1).optional(),
		requestFrom: z.string().optional(),
		timestamp: TimestampSchema.optional()
	})
	.refine((request) => request.agentId !== undefined || request.id !== undefined, {
		message: 'agentId is missing',
		path: ['agentId']
	});
export type GetAgentInfoRequest = z.infer<typeof GetAgentInfoRequestSchema>;

export const CapabilityRequestSchema = z.looseObject({
	capability: z.string().min(1),
	parameters: z.unknown().optional(),
	requestId: z.string().min(1),
	from: z.string().min(1),
	timestamp: TimestampSchema
});
export type CapabilityRequest = z.infer<typeof CapabilityRequestSchema>;

export interface McpMessageInput {
	from: string;
	to: string;
	message: string;
	type: McpMessage['type'];
	metadata?: Record<string, unknown>;
	now?: Date;
}

/** An MCPMessage with Volta's key order and its ISO `Z` timestamp. */
export function createMcpMessage(input: McpMessageInput): McpMessage {
	return {
		from: input.from,
		to: input.to,
		message: input.message,
		type: input.type,
		metadata: input.metadata ?? {},
		timestamp: formatIsoTimestamp(input.now ?? new Date())
	};
}
