/**
 * The audit trail against a real server: what is not a record is shown as invalid, and no client,
 * not even the admin, may delete a record or purge the trail.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startTestServer } from '../../../tests/helpers/nats-server';
import { auditKept } from '../../../tests/helpers/audit';
import { AUDIT_STREAM } from '../storage';
import { steerAgent } from '../steering';

const natsUrl = inject('natsUrl');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function person(): Promise<NatsConnection> {
	const nc = await connect({ servers: natsUrl });
	cleanups.push(() => nc.close());
	return nc;
}

const kept = async () => auditKept(await person());

const ada = { id: 'ada-k3x9', name: 'Ada' };

describe('the audit trail', () => {
	it('shows what is not a record as invalid, and no client may delete from it or purge it', async () => {
		const rogue = await person();
		rogue.publish(
			'switchboard.audit.steer',
			new TextEncoder().encode(JSON.stringify({ action: 'steer', by: 'me' }))
		);
		rogue.publish('switchboard.audit.steer', new TextEncoder().encode('<img src=x onerror=alert(1)>'));
		await rogue.flush();
		const { invalid } = await kept();
		expect(invalid.map((entry) => entry.reason)).toEqual(
			expect.arrayContaining([expect.stringContaining('by must be an object'), 'not UTF-8 JSON'])
		);
	});

	it('keeps every record from deletion and purging, even by the admin', async () => {
		const server = await startTestServer();
		cleanups.push(() => server.stop());
		const admin = await connect({ servers: server.natsUrl, user: 'admin', pass: server.adminPassword });
		cleanups.push(() => admin.close());
		await steerAgent(
			admin,
			{ id: 'coder-1', name: 'coder-1', dialect: 'seed' },
			{ command: 'pause_agent' },
			ada
		);
		const jsm = await jetstreamManager(admin);
		const { state } = await jsm.streams.info(AUDIT_STREAM);
		expect(state.messages).toBe(1);
		await expect(jsm.streams.purge(AUDIT_STREAM)).rejects.toThrow(/purge not permitted/u);
		await expect(jsm.streams.deleteMessage(AUDIT_STREAM, state.last_seq)).rejects.toThrow(/not permitted/u);
		expect((await jsm.streams.info(AUDIT_STREAM)).state.messages).toBe(1);
	});
});
