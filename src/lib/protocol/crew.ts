/**
 * Routing questions between the people of a crew: the fields a question names its people by
 * (capability, team), hand-overs, snoozes and escalations as kept in the claims bucket, and the
 * notice an asker gets when its question is escalated. docs/protocol.md §9.4 and §9.6.
 */
import { z } from 'zod';
import { createEnvelope, type AgentMessage } from './envelope';
import { createMcpMessage, type McpMessage } from './volta';

const PersonSchema = z.object({ id: z.string().min(1), name: z.string() });
export type Person = z.infer<typeof PersonSchema>;
const Iso = z.string().refine((text) => !Number.isNaN(Date.parse(text)), { message: 'is not a date' });

/** A question handed to a named colleague: `{key}.handover` in the claims bucket, replaced by the next. */
export const HandoverRecordSchema = z.object({
	question_id: z.string().min(1),
	to: PersonSchema,
	by: PersonSchema,
	at: Iso,
	note: z.string().max(500).nullable().default(null)
});
export type HandoverRecord = z.infer<typeof HandoverRecordSchema>;

/** A question set aside until a time, for everyone: `{key}.snooze`; deleted when woken early. */
export const SnoozeRecordSchema = z.object({
	question_id: z.string().min(1),
	by: PersonSchema,
	at: Iso,
	until: Iso
});
export type SnoozeRecord = z.infer<typeof SnoozeRecordSchema>;

/** A question escalated once: `{key}.escalated`, created only if absent, so one console escalates. */
export const EscalationRecordSchema = z.object({
	question_id: z.string().min(1),
	by: PersonSchema,
	at: Iso,
	waited_seconds: z.number().nonnegative()
});
export type EscalationRecord = z.infer<typeof EscalationRecordSchema>;

const words = (value: unknown): string[] =>
	(Array.isArray(value) ? value : [value])
		.filter((v): v is string => typeof v === 'string' && v.trim() !== '')
		.map((v) => v.trim())
		.slice(0, 20);

/**
 * Who a question is for, by what it names: `capability` (a string) or `capabilities` (a list), and
 * `team`. In an orchestrator question's content; in a Volta query's metadata.
 */
export function routingOf(fields: Record<string, unknown>): { capabilities: string[]; team: string | null } {
	const capabilities = [...new Set([...words(fields.capability), ...words(fields.capabilities)])];
	const [team] = words(fields.team);
	return { capabilities, team: team ?? null };
}

/** Whether a person who handles `mine` is one a question naming `wanted` is for (case does not matter). */
export function handlesAny(mine: readonly string[], wanted: readonly string[]): boolean {
	const lower = new Set(mine.map((c) => c.trim().toLowerCase()));
	return wanted.some((c) => lower.has(c.toLowerCase()));
}

/** What an asker is told when its question is escalated, in words. */
export function escalationText(waitedSeconds: number): string {
	const minutes = Math.max(1, Math.round(waitedSeconds / 60));
	return `Your question is still waiting for a person after ${minutes} min: it was escalated to everyone online.`;
}

/**
 * The orchestrator's notice, a `status_update` sent to the asker directly
 * (`orchestrator.agent.{asker}.status_update`): `status: "waiting_for_human"`, which question, how long.
 */
export function escalationEnvelope(
	question: { from: string; id: string; correlationId: string | null },
	by: Person,
	waitedSeconds: number,
	now = new Date()
): AgentMessage {
	return createEnvelope({
		from: by.id,
		to: question.from,
		type: 'status_update',
		content: {
			status: 'waiting_for_human',
			question_id: question.id,
			escalated: true,
			waited_seconds: Math.round(waitedSeconds),
			message: escalationText(waitedSeconds)
		},
		correlationId: question.correlationId,
		now
	});
}

/** Volta's notice: a `text` MCPMessage to the asker, the question's id and `escalated` in metadata. */
export function escalationMessage(
	question: { from: string; id: string },
	by: Person,
	waitedSeconds: number,
	now = new Date()
): McpMessage {
	return createMcpMessage({
		from: by.id,
		to: question.from,
		message: escalationText(waitedSeconds),
		type: 'text',
		metadata: {
			question_id: question.id,
			requestId: question.id,
			status: 'waiting_for_human',
			escalated: true,
			waited_seconds: Math.round(waitedSeconds)
		},
		now
	});
}
