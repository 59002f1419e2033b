/**
 * The AsyncAPI 3 document of every channel Switchboard speaks, generated from this module's zod
 * schemas (zod's JSON Schema output), so the contract and the code cannot drift apart. Written to
 * docs/asyncapi.yaml by `npm run asyncapi`; a test fails when that file is stale, and checks it with
 * the official AsyncAPI parser.
 */
import { z } from 'zod';
import {
	ListAgentsReplySchema,
	ListedAgentSchema,
	ServiceInfoResponseSchema,
	ServicePingResponseSchema,
	ServiceStatsResponseSchema,
	SwitchboardAnswerContentSchema,
	SwitchboardQuestionContentSchema,
	VoltaQueryMetadataSchema
} from './contract-schemas';
import {
	AgentMessageSchema,
	BlockerContentSchema,
	HeartbeatContentSchema,
	MESSAGE_TYPES,
	StatusUpdateContentSchema,
	type MessageType
} from './envelope';
import { AnswerRecordSchema, ClaimRecordSchema } from './questions';
import { AUDIT_ACTIONS, AuditRecordSchema } from './audit';
import { EscalationRecordSchema, HandoverRecordSchema, SnoozeRecordSchema } from './crew';
import { STEERING_CONTENT_SCHEMAS, VoltaCommandMetadataSchema } from './steering';
import {
	CapabilityRequestSchema,
	GetAgentInfoRequestSchema,
	ListAgentsRequestSchema,
	McpMessageSchema,
	VoltaAnnounceSchema,
	VoltaHeartbeatSchema,
	VoltaStatusSchema
} from './volta';

type Json = Record<string, unknown>;

/** A zod schema as AsyncAPI's schema format (JSON Schema draft-07), described. */
function schema(zodSchema: z.ZodType, description?: string): Json {
	const { $schema: _drop, ...json } = z.toJSONSchema(zodSchema, {
		target: 'draft-7',
		io: 'input',
		unrepresentable: 'any'
	}) as Json;
	return description ? { description, ...json } : json;
}

const ref = (path: string) => ({ $ref: `#/components/${path}` });

/** Content schemas by message type; the other types carry any JSON object. */
const CONTENT: Partial<Record<MessageType, { name: string; schema: z.ZodType; about: string }>> = {
	question: {
		name: 'QuestionContent',
		schema: SwitchboardQuestionContentSchema,
		about: 'A question for a human (or an agent); Switchboard shows it in the inbox.'
	},
	blocker: {
		name: 'BlockerContent',
		schema: BlockerContentSchema,
		about: 'An agent is blocked; Switchboard shows it in the inbox, urgent.'
	},
	answer: {
		name: 'AnswerContent',
		schema: SwitchboardAnswerContentSchema,
		about: 'The answer to a question or blocker, sent to the asker directly.'
	},
	heartbeat: {
		name: 'HeartbeatContent',
		schema: HeartbeatContentSchema,
		about: 'Every 30 s; an agent is offline after 90 s without one.'
	},
	status_update: {
		name: 'StatusUpdateContent',
		schema: StatusUpdateContentSchema,
		about:
			'What an agent is doing (running code sends started, stop_command, update_goal, …); after obeying an order: paused, in_progress, stop_command or update_goal.'
	},
	pause_agent: {
		name: 'PauseAgentContent',
		schema: STEERING_CONTENT_SCHEMAS.pause_agent,
		about: 'A person pauses the agent; it answers with status_update {status: "paused"}.'
	},
	resume_agent: {
		name: 'ResumeAgentContent',
		schema: STEERING_CONTENT_SCHEMAS.resume_agent,
		about: 'A person resumes the agent; it answers with status_update {status: "in_progress"}.'
	},
	stop_task: {
		name: 'StopTaskContent',
		schema: STEERING_CONTENT_SCHEMAS.stop_task,
		about:
			'A person stops one task; the agent answers with status_update {status: "stop_command", work_stream_id}.'
	},
	update_goal: {
		name: 'UpdateGoalContent',
		schema: STEERING_CONTENT_SCHEMAS.update_goal,
		about: 'A person gives the agent a new goal; it answers with status_update {status: "update_goal", goal}.'
	}
};

const seedMessageName = (type: MessageType) => `seed_${type}`;

function seedMessages(): Json {
	return Object.fromEntries(
		MESSAGE_TYPES.map((type) => {
			const content = CONTENT[type];
			return [
				seedMessageName(type),
				{
					name: type,
					title: `AgentMessage: ${type}`,
					summary: content?.about ?? `The orchestrator's ${type}; its content is any JSON object.`,
					payload: {
						allOf: [
							ref('schemas/AgentMessage'),
							{
								type: 'object',
								properties: {
									message_type: { const: type },
									...(content ? { content: ref(`schemas/${content.name}`) } : {})
								}
							}
						]
					}
				}
			];
		})
	);
}

const allSeed = () =>
	Object.fromEntries(MESSAGE_TYPES.map((type) => [type, ref(`messages/${seedMessageName(type)}`)]));
const only = (...names: string[]) => Object.fromEntries(names.map((name) => [name, ref(`messages/${name}`)]));

const idParameter = (what: string) => ({
	description: `${what}; may contain dots, so read the subject's last token as the type`
});
const messageTypeParameter = {
	enum: [...MESSAGE_TYPES],
	description: 'one of the 18 types the orchestrator’s receiver accepts (it drops any other)'
};

function channels(): Json {
	const services = (verb: 'PING' | 'INFO' | 'STATS', message: string) => ({
		[`services${verb[0]}${verb.slice(1).toLowerCase()}`]: {
			address: `$SRV.${verb}`,
			description: `The NATS services protocol: ${verb} of every participant (also $SRV.${verb}.switchboard and $SRV.${verb}.switchboard.{id}).`,
			messages: only('ServiceRequest', message)
		}
	});
	return {
		seedBroadcast: {
			address: 'orchestrator.broadcast.{messageType}',
			description: 'The orchestrator’s broadcast to every agent.',
			parameters: { messageType: messageTypeParameter },
			messages: allSeed()
		},
		seedDirect: {
			address: 'orchestrator.agent.{agentId}.{messageType}',
			description: 'To one agent; also request/reply (the responder replies with a full envelope).',
			parameters: { agentId: idParameter('the receiving agent’s id'), messageType: messageTypeParameter },
			messages: allSeed()
		},
		seedTeam: {
			address: 'orchestrator.team.{teamId}.{messageType}',
			description: 'To a team (documented by the orchestrator; Switchboard routes team questions).',
			parameters: { teamId: idParameter('the team’s id'), messageType: messageTypeParameter },
			messages: allSeed()
		},
		seedQueue: {
			address: 'orchestrator.queue.{queueName}',
			description: 'A work queue; workers subscribe in the queue group {queueName}_workers.',
			parameters: { queueName: idParameter('the queue’s name') },
			messages: allSeed()
		},
		seedReply: {
			address: null,
			description: 'The reply subject of a seed request (a client inbox).',
			messages: allSeed()
		},
		voltaAnnounce: {
			address: 'agent.announce',
			description: 'Volta Shell: an agent announces itself once at start.',
			messages: only('VoltaAnnounce')
		},
		voltaStatus: {
			address: 'agent.{agentId}.status',
			parameters: { agentId: idParameter('the agent’s id') },
			description: 'Volta Shell: online/offline, every 30 s.',
			messages: only('VoltaStatus')
		},
		voltaHeartbeat: {
			address: 'agent.{agentId}.heartbeat',
			parameters: { agentId: idParameter('the agent’s id') },
			description: 'Volta Shell: every 30 s; offline after 90 s without status or heartbeat.',
			messages: only('VoltaHeartbeat')
		},
		voltaMessage: {
			address: 'agent.{agentId}.message',
			parameters: { agentId: idParameter('the receiving agent’s id') },
			description: 'Volta Shell: a direct MCPMessage; a query is answered with response messages.',
			messages: only('McpMessage')
		},
		voltaBroadcast: {
			address: 'agent.broadcast',
			description: 'Volta Shell: an MCPMessage to everyone (to: "all").',
			messages: only('McpMessage')
		},
		listAgents: {
			address: 'mcp.list_agents',
			description: 'Volta Shell’s registry request; Switchboard answers it from its roster.',
			messages: only('ListAgentsRequest')
		},
		listAgentsReply: {
			address: null,
			description: 'The reply to mcp.list_agents.',
			messages: only('ListAgentsReply')
		},
		getAgentInfo: {
			address: 'mcp.get_agent_info',
			description: 'One agent from the registry; Switchboard answers it from its roster.',
			messages: only('GetAgentInfoRequest')
		},
		getAgentInfoReply: {
			address: null,
			description: 'The reply to mcp.get_agent_info.',
			messages: only('ListedAgent')
		},
		capabilityRequest: {
			address: 'capability.request',
			description: 'Volta Shell: a capability request (no responder ever existed); shown in the traffic.',
			messages: only('CapabilityRequest')
		},
		answerRecords: {
			address: 'switchboard.answer.{questionKey}',
			parameters: {
				questionKey: {
					description: 'q_ and the FNV-1a 64 hash of asker + "\\n" + question id (docs/protocol.md §6.4)'
				}
			},
			description:
				'The write-once answer record, kept by the SWITCHBOARD_ANSWERS stream (one message per subject, never replaced).',
			messages: only('AnswerRecord')
		},
		auditRecords: {
			address: 'switchboard.audit.{action}',
			parameters: { action: { enum: [...AUDIT_ACTIONS], description: 'what kind of thing was done' } },
			description:
				'The audit trail: what people did to the crew and who, kept 90 days by the SWITCHBOARD_AUDIT stream (no deletes, no purges).',
			messages: only('AuditRecord')
		},
		claims: {
			address: '$KV.switchboard_claims.{questionKey}.claim',
			parameters: { questionKey: { description: 'as for answer records' } },
			description: 'Who is on a question (the switchboard_claims KV bucket); deleted on release.',
			messages: only('ClaimRecord')
		},
		...Object.fromEntries(
			(
				[
					[
						'handover',
						'HandoverRecord',
						'A question handed to a named colleague; replaced by the next hand-over.'
					],
					[
						'snooze',
						'SnoozeRecord',
						'A question set aside for everyone until a time; deleted when brought back early.'
					],
					[
						'escalated',
						'EscalationRecord',
						'A question escalated once: created only if absent, so one console escalates.'
					]
				] as const
			).map(([suffix, message, description]) => [
				`routing${suffix[0].toUpperCase()}${suffix.slice(1)}`,
				{
					address: `$KV.switchboard_claims.{questionKey}.${suffix}`,
					parameters: { questionKey: { description: 'as for answer records' } },
					description: `${description} (docs/protocol.md §9.4)`,
					messages: only(message)
				}
			])
		),
		...services('PING', 'ServicePingResponse'),
		...services('INFO', 'ServiceInfoResponse'),
		...services('STATS', 'ServiceStatsResponse')
	};
}

function operations(): Json {
	const op = (action: 'send' | 'receive', channel: string, summary: string, reply?: string) => ({
		action,
		channel: { $ref: `#/channels/${channel}` },
		summary,
		...(reply ? { reply: { channel: { $ref: `#/channels/${reply}` } } } : {})
	});
	return {
		receiveSeedBroadcast: op('receive', 'seedBroadcast', 'Switchboard watches every broadcast.'),
		sendSeedBroadcast: op(
			'send',
			'seedBroadcast',
			'Switchboard’s participants announce, heartbeat and broadcast.'
		),
		receiveSeedDirect: op(
			'receive',
			'seedDirect',
			'Messages to the person’s agent id, and questions to them.'
		),
		sendSeedDirect: op(
			'send',
			'seedDirect',
			'Answers go to the asker directly; requests get a reply.',
			'seedReply'
		),
		receiveSeedTeam: op('receive', 'seedTeam', 'Questions to the person’s team.'),
		sendSeedQueue: op('send', 'seedQueue', 'The SDK and CLI put work on a queue.'),
		receiveVoltaAnnounce: op('receive', 'voltaAnnounce', 'Volta agents join the roster.'),
		sendVoltaAnnounce: op('send', 'voltaAnnounce', 'Participants announce in Volta’s format too.'),
		receiveVoltaStatus: op('receive', 'voltaStatus', 'Volta agents stay online.'),
		sendVoltaStatus: op('send', 'voltaStatus', 'A person stays online in Volta’s registry.'),
		receiveVoltaHeartbeat: op('receive', 'voltaHeartbeat', 'Volta agents stay online.'),
		sendVoltaHeartbeat: op('send', 'voltaHeartbeat', 'Participants heartbeat in Volta’s format too.'),
		receiveVoltaMessage: op('receive', 'voltaMessage', 'Queries to the person become inbox items.'),
		sendVoltaMessage: op('send', 'voltaMessage', 'Answers to a query, as Volta’s agents reply.'),
		receiveVoltaBroadcast: op('receive', 'voltaBroadcast', 'Queries to everyone become inbox items.'),
		replyListAgents: op('receive', 'listAgents', 'Switchboard answers with its roster.', 'listAgentsReply'),
		replyGetAgentInfo: op(
			'receive',
			'getAgentInfo',
			'Switchboard answers with one agent.',
			'getAgentInfoReply'
		),
		receiveCapabilityRequest: op('receive', 'capabilityRequest', 'Shown in the traffic view.'),
		writeAnswerRecord: op(
			'send',
			'answerRecords',
			'The answering console writes the record first, then sends the answer.'
		),
		readAnswerRecord: op(
			'receive',
			'answerRecords',
			'Consoles and asking agents read the record that counts.'
		),
		writeAuditRecord: op(
			'send',
			'auditRecords',
			'A console records each order (once the server accepted it) and each ping.'
		),
		readAuditRecords: op(
			'receive',
			'auditRecords',
			'Every console shows the trail, and exports it as JSON Lines.'
		),
		writeClaim: op('send', 'claims', 'A person claims a question ("I’m on it").'),
		writeHandover: op('send', 'routingHandover', 'A person hands a question to a colleague.'),
		watchHandovers: op('receive', 'routingHandover', 'Every console shows it; the colleague is notified.'),
		writeSnooze: op('send', 'routingSnooze', 'A person snoozes a question for everyone.'),
		watchSnoozes: op('receive', 'routingSnooze', 'Every console sets it aside until then.'),
		writeEscalation: op('send', 'routingEscalated', 'The first console whose time has come escalates.'),
		watchEscalations: op('receive', 'routingEscalated', 'Every console moves it up and re-notifies.'),
		watchClaims: op('receive', 'claims', 'Every console sees claims at once.'),
		replyServicesPing: op('receive', 'servicesPing', 'Each participant answers.'),
		replyServicesInfo: op('receive', 'servicesInfo', 'Each participant answers.'),
		replyServicesStats: op('receive', 'servicesStats', 'Each participant answers.')
	};
}

function schemas(): Json {
	const content = Object.fromEntries(
		Object.values(CONTENT).map((entry) => [entry!.name, schema(entry!.schema, entry!.about)])
	);
	return {
		AgentMessage: schema(AgentMessageSchema, 'The orchestrator’s envelope (AgentMessage, Python).'),
		...content,
		VoltaAnnounce: schema(VoltaAnnounceSchema),
		VoltaStatus: schema(VoltaStatusSchema),
		VoltaHeartbeat: schema(VoltaHeartbeatSchema),
		McpMessage: schema(McpMessageSchema, 'Volta Shell’s MCPMessage.'),
		VoltaQueryMetadata: schema(VoltaQueryMetadataSchema, 'What Switchboard reads from a query’s metadata.'),
		VoltaCommandMetadata: schema(
			VoltaCommandMetadataSchema,
			'A command MCPMessage’s metadata when Switchboard steers a Volta agent; message is pause, resume, stop or update_goal.'
		),
		AuditRecord: schema(AuditRecordSchema, 'One thing a person did to the crew: who, when, to whom, what.'),
		HandoverRecord: schema(HandoverRecordSchema),
		SnoozeRecord: schema(SnoozeRecordSchema),
		EscalationRecord: schema(EscalationRecordSchema),
		ListAgentsRequest: schema(ListAgentsRequestSchema),
		ListAgentsReply: schema(ListAgentsReplySchema),
		GetAgentInfoRequest: schema(GetAgentInfoRequestSchema, 'agentId (or id) names the agent.'),
		ListedAgent: schema(ListedAgentSchema),
		CapabilityRequest: schema(CapabilityRequestSchema),
		AnswerRecord: schema(AnswerRecordSchema, 'The answer that counts, with who gave it and what was asked.'),
		ClaimRecord: schema(ClaimRecordSchema),
		ServicePingResponse: schema(ServicePingResponseSchema),
		ServiceInfoResponse: schema(ServiceInfoResponseSchema),
		ServiceStatsResponse: schema(ServiceStatsResponseSchema)
	};
}

function otherMessages(): Json {
	const message = (name: string, summary: string, payload = name) => ({
		[name]: { name, summary, payload: ref(`schemas/${payload}`) }
	});
	return {
		...message('VoltaAnnounce', 'An agent announces itself (Volta Shell).'),
		...message('VoltaStatus', 'online or offline (Volta Shell).'),
		...message('VoltaHeartbeat', 'alive or stopping (Volta Shell).'),
		...message(
			'McpMessage',
			'A text, command, query or response; a query’s metadata: VoltaQueryMetadata; a steering command’s: VoltaCommandMetadata.'
		),
		...message('ListAgentsRequest', 'Asks for the registry.'),
		...message('ListAgentsReply', 'The agents, or an error.'),
		...message('GetAgentInfoRequest', 'Asks for one agent.'),
		...message('ListedAgent', 'One agent.'),
		...message('CapabilityRequest', 'Asks for a capability.'),
		...message('AnswerRecord', 'The write-once answer record.'),
		...message('ClaimRecord', 'A claim.'),
		...message('AuditRecord', 'A record in the audit trail.'),
		...message('HandoverRecord', 'A hand-over.'),
		...message('SnoozeRecord', 'A snooze.'),
		...message('EscalationRecord', 'An escalation.'),
		ServiceRequest: { name: 'ServiceRequest', summary: 'Empty.', payload: { type: 'string', maxLength: 0 } },
		...message('ServicePingResponse', 'io.nats.micro.v1.ping_response'),
		...message('ServiceInfoResponse', 'io.nats.micro.v1.info_response'),
		...message('ServiceStatsResponse', 'io.nats.micro.v1.stats_response')
	};
}

/** The whole document, for `version` (package.json's). */
export function asyncApiDocument(version: string): Json {
	return {
		asyncapi: '3.1.0',
		info: {
			title: 'Switchboard',
			version,
			description:
				'Every channel Switchboard speaks on a NATS bus: the Agentic SDLC orchestrator’s subjects and AgentMessage envelope, Volta Shell’s subjects and payloads, the inbox’s question, answer and claim formats, presence, mcp.list_agents and the NATS services protocol. Generated from src/lib/protocol (npm run asyncapi); see docs/protocol.md.'
		},
		defaultContentType: 'application/json',
		servers: {
			agents: {
				host: 'localhost:4222',
				protocol: 'nats',
				description: 'nats-server’s client port, for agents (npm start).'
			},
			browsers: {
				host: 'localhost:4223',
				protocol: 'ws',
				description: 'nats-server’s WebSocket listener, for the browser app (npm start).'
			}
		},
		channels: channels(),
		operations: operations(),
		components: { schemas: schemas(), messages: { ...seedMessages(), ...otherMessages() } }
	};
}
