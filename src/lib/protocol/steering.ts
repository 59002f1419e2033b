/**
 * Steering an agent: the orchestrator's own control messages (`pause_agent`, `resume_agent`,
 * `stop_task`, `update_goal`), Volta's equivalent `command` messages, what an agent reads from
 * either, and the status it answers with so every roster shows the effect. docs/protocol.md §9.
 */
import { z } from 'zod';
import type { Decoded } from './decode';
import { createEnvelope, type AgentMessage } from './envelope';
import { createMcpMessage, type McpMessage } from './volta';

export const STEERING_COMMANDS = ['pause_agent', 'resume_agent', 'stop_task', 'update_goal'] as const;
export type SteeringCommand = (typeof STEERING_COMMANDS)[number];

export const isSteeringCommand = (value: unknown): value is SteeringCommand =>
	(STEERING_COMMANDS as readonly unknown[]).includes(value);

/** Who asked for it: every control message names the person, so the agent can log it. */
export interface Steerer {
	id: string;
	name: string;
}

/** One steering order, before it is written in a dialect. */
export interface Steer {
	command: SteeringCommand;
	/** `stop_task`: the work stream to stop (the seed's `work_stream_id`); optional for `update_goal`. */
	task?: string | null;
	/** `update_goal`: the new goal, in words. */
	goal?: string;
	/** Why, in the person's words (optional). */
	reason?: string;
}

const RequestedBySchema = z
	.object({ id: z.string(), name: z.string() })
	.describe('The person who gave the order (Switchboard sends it; an agent may log it).');
const ReasonSchema = z.string().nullable().optional().describe('Why, in the person’s words.');

/** The content Switchboard sends with each order; receivers read it loosely (docs/protocol.md §9). */
export const STEERING_CONTENT_SCHEMAS = {
	pause_agent: z.looseObject({ reason: ReasonSchema, requested_by: RequestedBySchema.optional() }),
	resume_agent: z.looseObject({ reason: ReasonSchema, requested_by: RequestedBySchema.optional() }),
	stop_task: z.looseObject({
		mode: z.string().optional().describe('The seed’s emergency_stop field; Switchboard sends "graceful".'),
		reason: ReasonSchema,
		message: z.string().optional(),
		work_stream_id: z.string().optional().describe('The task (work stream) to stop.'),
		requested_by: RequestedBySchema.optional()
	}),
	update_goal: z.looseObject({
		goal: z.string().describe('The new goal, in words (at most 4,000 characters).'),
		work_stream_id: z.string().optional().describe('The task the goal is for, when it is one task’s.'),
		reason: ReasonSchema,
		requested_by: RequestedBySchema.optional()
	})
} as const satisfies Record<SteeringCommand, z.ZodType>;

/** What a Volta `command` MCPMessage carries in `metadata` when Switchboard sends it. */
export const VoltaCommandMetadataSchema = z.looseObject({
	command: z.enum(STEERING_COMMANDS).describe('The orchestrator’s name for the order.'),
	args: z.record(z.string(), z.unknown()).describe('The same content the orchestrator’s envelope carries.'),
	requestedBy: z.string().optional().describe('The person’s name.')
});

/** What each order does, for confirmations and the audit trail. */
export const STEERING_LABELS: Record<SteeringCommand, string> = {
	pause_agent: 'Pause',
	resume_agent: 'Resume',
	stop_task: 'Stop task',
	update_goal: 'New goal'
};

/** Volta's command word for each order: MCPMessage `message`, with the order itself in `metadata`. */
const VOLTA_COMMAND_WORDS: Record<SteeringCommand, string> = {
	pause_agent: 'pause',
	resume_agent: 'resume',
	stop_task: 'stop',
	update_goal: 'update_goal'
};

/**
 * Checks an order before anything is sent; the reason says what to fix. `stop_task` needs the task,
 * `update_goal` the goal: an agent cannot act on either without it.
 */
export function checkSteer(steer: Steer): string | null {
	if (!isSteeringCommand(steer.command)) return `${String(steer.command)} is not a steering command.`;
	if (steer.command === 'stop_task' && !steer.task?.trim())
		return 'Say which task to stop (its work stream id).';
	if (steer.command === 'update_goal' && !steer.goal?.trim()) return 'Write the new goal.';
	if ((steer.goal?.length ?? 0) > 4_000) return 'The goal is over 4,000 characters: shorten it.';
	return null;
}

/**
 * The content of the seed envelope. `stop_task` keeps the seed's own `{mode, reason, message}` (from
 * its `emergency_stop`) and adds which task; every order names who asked (`requested_by`).
 */
export function steeringContent(steer: Steer, by: Steerer): Record<string, unknown> {
	const reason = steer.reason?.trim() || null;
	const requested_by = { id: by.id, name: by.name };
	switch (steer.command) {
		case 'pause_agent':
		case 'resume_agent':
			return { reason, requested_by };
		case 'stop_task':
			return {
				mode: 'graceful',
				reason: reason ?? `stopped by ${by.name}`,
				message: `${by.name} asked to stop task ${steer.task}.`,
				work_stream_id: steer.task?.trim(),
				requested_by
			};
		case 'update_goal':
			return {
				goal: steer.goal?.trim(),
				...(steer.task?.trim() ? { work_stream_id: steer.task.trim() } : {}),
				reason,
				requested_by
			};
	}
}

/** The order as the orchestrator's agents read it, sent to `orchestrator.agent.{to}.{command}`. */
export function steeringEnvelope(to: string, steer: Steer, by: Steerer, now = new Date()): AgentMessage {
	return createEnvelope({ from: by.id, to, type: steer.command, content: steeringContent(steer, by), now });
}

/**
 * The order as a Volta `command` MCPMessage on `agent.{to}.message`: `message` is the command word
 * (`pause`, `resume`, `stop`, `update_goal`), `metadata.command` the orchestrator's name for it and
 * `metadata.args` the same content the seed envelope carries.
 */
export function steeringCommandMessage(to: string, steer: Steer, by: Steerer, now = new Date()): McpMessage {
	return createMcpMessage({
		from: by.id,
		to,
		message: VOLTA_COMMAND_WORDS[steer.command],
		type: 'command',
		metadata: { command: steer.command, args: steeringContent(steer, by), requestedBy: by.name },
		now
	});
}

/** A control message addressed to an agent, as the agent reads it, whichever dialect it came in. */
export interface ControlMessage {
	command: SteeringCommand;
	dialect: 'seed' | 'volta';
	/** The sender's agent id. */
	from: string;
	/** The person who asked, when the message names one. */
	requestedBy: Steerer | null;
	task: string | null;
	goal: string | null;
	reason: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);

function steererOf(value: unknown): Steerer | null {
	if (typeof value !== 'object' || value === null) return null;
	const { id, name } = value as Record<string, unknown>;
	return typeof id === 'string' ? { id, name: typeof name === 'string' ? name : id } : null;
}

function controlFrom(
	command: SteeringCommand,
	dialect: 'seed' | 'volta',
	from: string,
	args: Record<string, unknown>
): ControlMessage {
	return {
		command,
		dialect,
		from,
		requestedBy: steererOf(args.requested_by),
		task: text(args.work_stream_id) ?? text(args.work_stream),
		goal: text(args.goal),
		reason: text(args.reason)
	};
}

/**
 * Reads a decoded message as a control message, or null when it is not one: a seed envelope of a
 * steering type, or a Volta `command` whose `metadata.command` names one. A Volta command without
 * that metadata is read by its word (`pause`, `resume`, `stop`, `update_goal`).
 */
export function readControl(decoded: Decoded): ControlMessage | null {
	if (!decoded.ok) return null;
	if (decoded.dialect === 'seed') {
		const { envelope } = decoded;
		if (!isSteeringCommand(envelope.message_type)) return null;
		return controlFrom(envelope.message_type, 'seed', envelope.from_agent, envelope.content);
	}
	if (decoded.payload.kind !== 'message' || decoded.payload.value.type !== 'command') return null;
	const message = decoded.payload.value;
	const metadata = (message.metadata ?? {}) as Record<string, unknown>;
	const named = isSteeringCommand(metadata.command)
		? metadata.command
		: STEERING_COMMANDS.find((command) => VOLTA_COMMAND_WORDS[command] === message.message.trim());
	if (!named) return null;
	const args =
		typeof metadata.args === 'object' && metadata.args !== null
			? (metadata.args as Record<string, unknown>)
			: {};
	return controlFrom(named, 'volta', message.from, args);
}

/**
 * The status an agent broadcasts once it has obeyed (`status_update`), which is how every console's
 * roster shows the effect: `paused`; `in_progress` again after a resume; the seed's own
 * `stop_command` and `update_goal` statuses, with the work stream.
 */
export function controlStatus(control: ControlMessage): Record<string, unknown> {
	const by = control.requestedBy ? { requested_by: control.requestedBy } : {};
	const task = control.task ? { work_stream_id: control.task } : {};
	switch (control.command) {
		case 'pause_agent':
			return { status: 'paused', ...by };
		case 'resume_agent':
			return { status: 'in_progress', ...by };
		case 'stop_task':
			return { status: 'stop_command', ...task, ...by };
		case 'update_goal':
			return { status: 'update_goal', goal: control.goal, ...task, ...by };
	}
}
