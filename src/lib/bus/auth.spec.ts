/**
 * Signing in and permissions, against a real nats-server that requires them: an NKey user, and
 * password users whose permissions are what a secured server gives a person.
 */
import { nkeys } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../tests/helpers/bus';
import { busesLeftAfterEach } from '../../../tests/helpers/buses';
import { startTestServer, type TestServer } from '../../../tests/helpers/nats-server';
import { createJwtAuth, operatorModeConfig } from '../../../tests/helpers/jwt-auth';
import { credentialsProblem } from './connection-options';

const ada = nkeys.createUser();
const adaSeed = new TextDecoder().decode(ada.getSeed());

const CONFIG = `
host: 127.0.0.1
port: $SWITCHBOARD_NATS_PORT
http_port: $SWITCHBOARD_MONITOR_PORT
websocket { host: 127.0.0.1, port: $SWITCHBOARD_WS_PORT, no_tls: true }
authorization {
  users: [
    { nkey: ${ada.getPublicKey()} }
    {
      user: grace, password: "grace-pw"
      permissions: {
        publish: { allow: ["svc.>", "orchestrator.agent.*.answer"] }
        subscribe: { allow: ["_INBOX_grace.>", "orchestrator.>"] }
      }
    }
    {
      user: svc, password: "svc-pw"
      permissions: { publish: { allow: ["_INBOX_grace.>"] }, subscribe: { allow: ["svc.>"] } }
    }
  ]
}
`;

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer({ config: CONFIG });
});
afterAll(() => server.stop());

const newBus = busesLeftAfterEach();

describe('signing in', () => {
	it('joins with an NKey seed: the page signs the server’s challenge', async () => {
		const bus = newBus();
		expect(await bus.join({ servers: [server.wsUrl], name: 'Ada', nkeySeed: adaSeed })).toBe(true);
		expect(bus.status.state).toBe('connected');
	});

	it('says in words when the server refuses the seed, the password or nothing at all', async () => {
		const wrongSeed = new TextDecoder().decode(nkeys.createUser().getSeed());
		for (const details of [{ nkeySeed: wrongSeed }, { user: 'grace', pass: 'wrong' }, {}]) {
			const bus = newBus();
			expect(await bus.join({ servers: [server.wsUrl], name: 'Ada', ...details })).toBe(false);
			expect(bus.status).toMatchObject({
				state: 'closed',
				reason: expect.stringContaining('refused to let you in')
			});
		}
	});
});

describe('within a person’s permissions', () => {
	it('requests get their replies under the person’s own inbox prefix, the only one it may read', async () => {
		const service = newBus();
		await service.join({ servers: [server.wsUrl], name: 'svc', user: 'svc', pass: 'svc-pw' });
		service.subscribe('svc.echo', (msg) => msg.respond(msg.data));
		await service.flush();

		const grace = newBus();
		await grace.join({ servers: [server.wsUrl], name: 'Grace', user: 'grace', pass: 'grace-pw' });
		const reply = await grace.request('svc.echo', new TextEncoder().encode('ping'));
		expect(new TextDecoder().decode(reply.data)).toBe('ping');
		expect(reply.subject).toMatch(/^_INBOX_grace\./u);
		expect(grace.refused).toBeNull();
	});

	it('tells the person in plain words what the server refused, and stays connected', async () => {
		const grace = newBus();
		await grace.join({ servers: [server.wsUrl], name: 'Grace', user: 'grace', pass: 'grace-pw' });

		grace.publish('orchestrator.broadcast.status_update', new TextEncoder().encode('{}'));
		await until(() => grace.refused !== null, 'the publish refusal');
		expect(grace.refused).toBe(
			'The server does not allow you to send on orchestrator.broadcast.status_update. Nothing was lost; ask whoever runs the server for that permission, or sign in as someone who has it.'
		);

		grace.refused = null;
		grace.subscribe('_INBOX_ada.>', () => undefined);
		await until(() => grace.refused !== null, 'the subscribe refusal');
		expect(grace.refused).toContain('listen on _INBOX_ada.>');
		expect(grace.status.state).toBe('connected');
	});
});

describe('a credentials file, on a server in operator mode', () => {
	const jwt = createJwtAuth();
	let operatorServer: TestServer;
	beforeAll(async () => {
		operatorServer = await startTestServer({
			config: operatorModeConfig(jwt)
		});
	});
	afterAll(() => operatorServer.stop());

	it('joins with the user JWT and seed the file holds', async () => {
		const creds = jwt.credsFor('ada');
		expect(credentialsProblem(creds)).toBeNull();
		const bus = newBus();
		const joined = await bus.join({ servers: [operatorServer.wsUrl], name: 'Ada', credentials: creds });
		expect(bus.status).toEqual({ state: 'connected', server: expect.any(String) });
		expect(joined).toBe(true);
		expect(bus.status.state).toBe('connected');
	});

	it('is refused without one, and a file that is not one is named as such before anything is tried', async () => {
		const bus = newBus();
		expect(await bus.join({ servers: [operatorServer.wsUrl], name: 'Ada' })).toBe(false);
		expect(bus.status).toMatchObject({ reason: expect.stringContaining('refused to let you in') });
		expect(credentialsProblem('user=ada\npassword=secret')).toMatch(/not a NATS credentials file/u);
	});
});
