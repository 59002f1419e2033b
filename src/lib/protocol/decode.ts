/**
 * Decoding whatever arrives on the bus. Never throws: a message that cannot be read is a value the
 * UI lists, counts and explains.
 */
import type { z } from 'zod';
import {
	AgentMessageSchema,
	checkContent,
	readEnvelope,
	type AgentMessage,
	type ContentCheck
} from './envelope';
import { describeIssues } from './issues';
import { parseSubject, type Route, type SeedRoute, type VoltaRoute } from './subjects';
import {
	CapabilityRequestSchema,
	ListAgentsRequestSchema,
	McpMessageSchema,
	VoltaAnnounceSchema,
	VoltaHeartbeatSchema,
	VoltaStatusSchema,
	type CapabilityRequest,
	type ListAgentsRequest,
	type McpMessage,
	type VoltaAnnounce,
	type VoltaHeartbeat,
	type VoltaStatus,
	GetAgentInfoRequestSchema,
	type GetAgentInfoRequest
} from './volta';

export type VoltaPayload =
	| { kind: 'announce'; value: VoltaAnnounce }
	| { kind: 'status'; value: VoltaStatus }
	| { kind: 'heartbeat'; value: VoltaHeartbeat }
	| { kind: 'message'; value: McpMessage }
	| { kind: 'list_agents'; value: ListAgentsRequest }
	| { kind: 'get_agent_info'; value: GetAgentInfoRequest }
	| { kind: 'capability_request'; value: CapabilityRequest };

export type Decoded =
	| { ok: true; dialect: 'seed'; route: SeedRoute; envelope: AgentMessage; content: ContentCheck }
	| { ok: true; dialect: 'volta'; route: VoltaRoute; payload: VoltaPayload }
	| { ok: false; route: Route | null; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads payload bytes as JSON; the reason says what is wrong in words. */
export function parseJson(data: Uint8Array): { ok: true; value: unknown } | { ok: false; reason: string } {
	if (data.length === 0) return { ok: false, reason: 'empty payload' };
	let text: string;
	try {
		text = utf8.decode(data);
	} catch {
		return { ok: false, reason: 'payload is not valid UTF-8 text' };
	}
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch (error) {
		const detail = error instanceof Error ? `: ${error.message}` : '';
		return { ok: false, reason: `payload is not JSON${detail}` };
	}
}

/**
 * Decodes a seed envelope that arrived where the subject says nothing: a reply to a request comes
 * on an inbox subject, so its type is whatever the envelope says.
 */
export function decodeEnvelope(
	data: Uint8Array
): { ok: true; envelope: AgentMessage; content: ContentCheck } | { ok: false; reason: string } {
	const json = parseJson(data);
	if (!json.ok) return json;
	const read = envelopeOf(json.value);
	if (!read.ok) return read;
	const { envelope } = read;
	return { ok: true, envelope, content: checkContent(envelope.message_type, envelope.content) };
}

/** The seed envelope in a JSON value: by hand when it is well formed, else the schema says why not. */
function envelopeOf(value: unknown): { ok: true; envelope: AgentMessage } | { ok: false; reason: string } {
	const envelope = readEnvelope(value);
	if (envelope) return { ok: true, envelope };
	const parsed = AgentMessageSchema.safeParse(value);
	return parsed.success
		? { ok: true, envelope: parsed.data }
		: { ok: false, reason: `not a seed envelope: ${describeIssues(parsed.error, value)}` };
}

/** Decodes a message from either seed system by its subject. */

export function decode(subject: string, data: Uint8Array): Decoded {
	const parsedRoute = parseSubject(subject);
	const route = parsedRoute.ok ? parsedRoute.route : null;
	const json = parseJson(data);
	if (!json.ok) return { ok: false, route, reason: json.reason };
	if (!parsedRoute.ok) return { ok: false, route, reason: parsedRoute.reason };
	return route!.kind.startsWith('seed.')
		? decodeSeed(route as SeedRoute, json.value)
		: decodeVolta(route as VoltaRoute, json.value);
}

function decodeSeed(route: SeedRoute, value: unknown): Decoded {
	const read = envelopeOf(value);
	if (!read.ok) return { ok: false, route, reason: read.reason };
	const { envelope } = read;

	if (route.kind !== 'seed.queue' && route.type !== envelope.message_type) {
		return {
			ok: false,
			route,
			reason: `the subject says ${route.type} but the envelope says ${envelope.message_type}`
		};
	}
	return {
		ok: true,
		dialect: 'seed',
		route,
		envelope,
		content: checkContent(envelope.message_type, envelope.content)
	};
}

const VOLTA_SCHEMAS = {
	'volta.announce': ['announce', VoltaAnnounceSchema],
	'volta.status': ['status', VoltaStatusSchema],
	'volta.heartbeat': ['heartbeat', VoltaHeartbeatSchema],
	'volta.message': ['message', McpMessageSchema],
	'volta.broadcast': ['message', McpMessageSchema],
	'volta.list_agents': ['list_agents', ListAgentsRequestSchema],
	'volta.get_agent_info': ['get_agent_info', GetAgentInfoRequestSchema],
	'volta.capability_request': ['capability_request', CapabilityRequestSchema]
} as const satisfies Record<VoltaRoute['kind'], readonly [VoltaPayload['kind'], z.ZodType]>;

function decodeVolta(route: VoltaRoute, value: unknown): Decoded {
	const [kind, schema] = VOLTA_SCHEMAS[route.kind];
	const parsed = schema.safeParse(value);
	if (!parsed.success) {
		return { ok: false, route, reason: `not a Volta Shell ${kind}: ${describeIssues(parsed.error, value)}` };
	}
	const payload = { kind, value: parsed.data } as VoltaPayload;
	if ((payload.kind === 'status' || payload.kind === 'heartbeat') && 'agentId' in route) {
		if (payload.value.agentId !== route.agentId) {
			return {
				ok: false,
				route,
				reason: `the subject names agent ${route.agentId} but the payload says ${payload.value.agentId}`
			};
		}
	}
	return { ok: true, dialect: 'volta', route, payload };
}
