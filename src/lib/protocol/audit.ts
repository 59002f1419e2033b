/**
 * The audit trail: one record for everything a person does to the crew beyond answering (steering,
 * pings, hand-overs, snoozes, escalations, edited approvals) — who, when, to whom, what.
 * Kept by the SWITCHBOARD_AUDIT stream on `switchboard.audit.{action}`; exported as JSON Lines.
 * docs/protocol.md §9.3.
 */
import { z } from 'zod';
import { describeIssues } from './issues';
import { isTimestamp } from './timestamps';

export const AUDIT_ACTIONS = ['steer', 'ping', 'handover', 'snooze', 'wake', 'escalate', 'edit'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditRecordSchema = z.object({
	action: z.enum(AUDIT_ACTIONS),
	/** The person (or agent) who did it, as joined. */
	by: z.object({ id: z.string().min(1), name: z.string() }),
	/** ISO 8601 with Z: when it was done. */
	at: z.string().refine(isTimestamp, { message: 'is not an ISO 8601 timestamp' }),
	/** The agent it concerned. */
	agent: z.string().min(1),
	/** The question it concerned (its key, §6.4), if any. */
	question: z.string().nullable().default(null),
	/** One line a person reads: "Ada paused coder-1". */
	summary: z.string().max(1_000),
	/** What exactly was sent or measured: the command and its content, a round trip in ms. */
	detail: z.record(z.string(), z.unknown()).default({})
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/** The subject a record is published to. */
export const auditSubject = (action: AuditAction) => `switchboard.audit.${action}`;
export const AUDIT_SUBJECTS = 'switchboard.audit.>';

/** The largest record the stream keeps (a goal is at most 4,000 characters). */
export const AUDIT_RECORD_LIMIT = 16 * 1024;

/** A record, or why it is not one: the stream may hold anything a permitted client wrote. */
export function readAuditRecord(
	value: unknown
): { ok: true; record: AuditRecord } | { ok: false; reason: string } {
	const parsed = AuditRecordSchema.safeParse(value);
	if (parsed.success) return { ok: true, record: parsed.data };
	return { ok: false, reason: describeIssues(parsed.error, value) };
}

/** One JSON object per line, oldest first, each line a record exactly as kept. */
export function toJsonLines(records: readonly AuditRecord[]): string {
	return records.map((record) => JSON.stringify(record)).join('\n') + (records.length ? '\n' : '');
}
