/**
 * A nats-server of the test file's own, started as `npm start` starts one (pages from the app's
 * origin may connect), and an agent's TCP connection to it: what a test that counts exactly what
 * the page shows needs, away from the bus the other tests share.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { test } from '@playwright/test';
import { startTestServer, type TestServer } from '../helpers/nats-server';
import { appUrl } from './env';

export function ownBus(agentName = 'agents (test)'): { server: TestServer; agent: NatsConnection } {
	const own = {} as { server: TestServer; agent: NatsConnection };
	test.beforeAll(async () => {
		own.server = await startTestServer({ origins: [new URL(appUrl).origin] });
		own.agent = await connect({ servers: own.server.natsUrl, name: agentName });
	});
	test.afterAll(async () => {
		await own.agent?.close();
		await own.server?.stop();
	});
	return own;
}
