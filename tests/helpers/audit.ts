/** What the audit trail keeps now, read back in full: records, and what on its subjects is not one. */
import type { NatsConnection } from '@nats-io/nats-core';
import { replayAudit, type InvalidAuditEntry } from '../../src/lib/audit';
import type { AuditRecord } from '../../src/lib/protocol';

export async function auditKept(
	nc: NatsConnection
): Promise<{ records: AuditRecord[]; invalid: InvalidAuditEntry[] }> {
	const records: AuditRecord[] = [];
	const invalid: InvalidAuditEntry[] = [];
	await replayAudit(nc, (r, i) => {
		records.push(...r);
		invalid.push(...i);
	});
	return { records, invalid };
}
