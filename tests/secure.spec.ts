/**
 * What nats/secure.conf refuses a person, booted as is (TLS with a throwaway certificate): they
 * are WebSocket-only and confined to their own id and inbox prefix. The app working within those
 * permissions in a browser is tests/e2e/secure.test.ts.
 */
import { wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORDS, startSecureServer, type SecureServer } from './helpers/secure-server';

let secure: SecureServer;
beforeAll(async () => {
	secure = await startSecureServer('http://127.0.0.1:4280');
	// The certificate is this test's own; Node's WebSocket client cannot be given a CA otherwise.
	process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
});
afterAll(async () => {
	delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
	await secure?.stop();
});

/** What the server said it refused on this connection after `act`, or 'nothing' within 2 s. */
async function refusal(nc: NatsConnection, act: () => void): Promise<string> {
	const said = (async () => {
		for await (const status of nc.status())
			if (status.type === 'error') return String(status.error?.message ?? status.error);
		return 'closed';
	})();
	act();
	await nc.flush();
	return Promise.race([said, new Promise<string>((resolve) => setTimeout(() => resolve('nothing'), 2_000))]);
}

describe('nats/secure.conf', () => {
	it('lets a person in over wss:// only', async () => {
		await expect(
			connect({
				servers: secure.server.natsUrl,
				user: 'ada',
				pass: PASSWORDS.ada,
				tls: { caFile: secure.cert }
			})
		).rejects.toThrow(/authorization/i);
		const ada = await wsconnect({ servers: secure.wssUrl, user: 'ada', pass: PASSWORDS.ada });
		await ada.close();
		await expect(
			wsconnect({ servers: secure.server.wsUrl, user: 'ada', pass: PASSWORDS.ada })
		).rejects.toThrow();
	});

	it('confines a person to their own id and their own inbox prefix', async () => {
		const ada = await wsconnect({
			servers: secure.wssUrl,
			user: 'ada',
			pass: PASSWORDS.ada,
			inboxPrefix: '_INBOX_ada'
		});
		try {
			// Speaking as someone else where the subject names the speaker: refused.
			expect(await refusal(ada, () => ada.publish('agent.grace.heartbeat', '{}'))).toMatch(
				/Permissions Violation for Publish to "agent.grace.heartbeat"/i
			);
			// Reading another person's replies: refused.
			expect(await refusal(ada, () => ada.subscribe('_INBOX_grace.>'))).toMatch(
				/Permissions Violation for Subscription to "_INBOX_grace.>"/i
			);
			// Handing out work is an agent's job, not a person's.
			expect(await refusal(ada, () => ada.publish('orchestrator.broadcast.task_assignment', '{}'))).toMatch(
				/Permissions Violation for Publish/i
			);
			// Its own presence and answers go through.
			expect(await refusal(ada, () => ada.publish('agent.ada.heartbeat', '{}'))).toBe('nothing');
			expect(await refusal(ada, () => ada.publish('orchestrator.agent.coder.answer', '{}'))).toBe('nothing');
		} finally {
			await ada.close();
		}
	});
});
