/**
 * Where the audit trail lives: the SWITCHBOARD_AUDIT stream (docs/protocol.md §7 and §9.3). A record
 * is written before what it records is done, and the server acknowledges it, so nothing a person
 * did to the crew goes unrecorded. Any NatsConnection.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { describeError } from '../connection';
import { AUDIT_RECORD_LIMIT, auditSubject, readAuditRecord, type AuditRecord } from '../protocol';
import { AUDIT_STORAGE, AUDIT_STREAM, forEachStored, loadJetStream, requireStorage } from '../storage';

const encoder = new TextEncoder();

/** Something kept on the audit subjects that is not a record: shown as invalid, never dropped silently. */
export interface InvalidAuditEntry {
	subject: string;
	reason: string;
	at: number;
}

export class AuditError extends Error {
	override name = 'AuditError';
}

/** Checks that the audit stream is there, as Switchboard needs it (a StorageError says what to run). */
export function openAudit(nc: NatsConnection): Promise<void> {
	return requireStorage(nc, AUDIT_STORAGE);
}

/** Writes a record and waits for the server to keep it; an AuditError's message is a clause. */
export async function appendAudit(nc: NatsConnection, record: AuditRecord): Promise<void> {
	const bytes = encoder.encode(JSON.stringify(record));
	if (bytes.length > AUDIT_RECORD_LIMIT) {
		throw new AuditError(
			`This record of "${record.summary.slice(0, 80)}" is ${bytes.length} bytes; the audit trail keeps records up to ${AUDIT_RECORD_LIMIT}. Shorten what you wrote.`
		);
	}
	const { jetstream } = await loadJetStream();
	try {
		await jetstream(nc).publish(auditSubject(record.action), bytes);
	} catch (error) {
		throw new AuditError(
			`the audit trail did not keep its record (${describeError(error)}); npx switchboard setup --check says what is wrong with the storage`,
			{ cause: error }
		);
	}
}

/** Reads a kept record from its bytes; a non-record is reported with the reason. */
export function decodeAuditEntry(
	subject: string,
	data: Uint8Array,
	at: number
): { ok: true; record: AuditRecord } | { ok: false; entry: InvalidAuditEntry } {
	let value: unknown;
	try {
		value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
	} catch {
		return { ok: false, entry: { subject, at, reason: 'not UTF-8 JSON' } };
	}
	const read = readAuditRecord(value);
	return read.ok ? read : { ok: false, entry: { subject, at, reason: read.reason } };
}

/** Every kept record, oldest first, a bounded batch at a time. */
export function replayAudit(
	nc: NatsConnection,
	onBatch: (records: AuditRecord[], invalid: InvalidAuditEntry[]) => void
): Promise<number> {
	return forEachStored(nc, AUDIT_STREAM, undefined, (batch) => {
		const records: AuditRecord[] = [];
		const invalid: InvalidAuditEntry[] = [];
		for (const message of batch) {
			const read = decodeAuditEntry(message.subject, message.data, message.at);
			if (read.ok) records.push(read.record);
			else invalid.push(read.entry);
		}
		onBatch(records, invalid);
	});
}
