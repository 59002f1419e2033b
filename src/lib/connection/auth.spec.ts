/**
 * Signing in and permissions, against a real nats-server that requires them: an NKey user, and
 * password users whose permissions are what a secured server gives a person.
 */
import { nkeys } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../tests/helpers/watching';
import { busesLeftAfterEach } from '../../../tests/helpers/bus-connections';
import { startTestServer, type TestServer } from '../../../tests/helpers/nats-server';
import { createJwtAuth, operatorModeConfig } from '../../../tests/helpers/jwt-auth';
import { connectAgent } from '../../sdk';
import { credentialsProblem, credentialsUser, inboxPrefixFor } from './connection-options';

const ada = nkeys.createUser();
const adaSeed = new TextDecoder().decode(ada.getSeed());

const CONFIG = `
host: 127.0.0.1
port: $SWITCHBOARD_NATS_PORT
http_port: $SWITCHBOARD_MONITOR_PORT
websocket { host: 127.0.0.1, port: $SWITCHBOARD_WS_PORT, no_tls: true }
authorization {
  users: [
    {
      nkey: ${ada.getPublicKey()}
      permissions: { subscribe: { allow: ["_INBOX_${ada.getPublicKey()}.>", "orchestrator.>"] } }
    }
    {
      user: grace, password: "grace-pw"
      permissions: {
        publish: { allow: ["svc.>", "orchestrator.agent.*.answer"] }
        subscribe: { allow: ["_INBOX_grace.>", "orchestrator.>"] }
      }
    }
    {
      user: svc, password: "svc-pw"
      permissions: {
        publish: { allow: ["_INBOX_grace.>", "_INBOX_${ada.getPublicKey()}.>"] }
        subscribe: { allow: ["svc.>"] }
      }
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

	it('an NKey user gets replies under its public key, the only prefix it may read', async () => {
		const service = newBus();
		await service.join({ servers: [server.wsUrl], name: 'svc', user: 'svc', pass: 'svc-pw' });
		service.subscribe('svc.echo', (msg) => msg.respond(msg.data));
		await service.flush();

		const bus = newBus();
		await bus.join({ servers: [server.wsUrl], name: 'Ada', nkeySeed: adaSeed });
		const reply = await bus.request('svc.echo', new TextEncoder().encode('ping'));
		expect(new TextDecoder().decode(reply.data)).toBe('ping');
		expect(reply.subject.startsWith(`_INBOX_${ada.getPublicKey()}.`)).toBe(true);
		expect(bus.refused).toBeNull();
	});

	it('an SDK agent signed in as a user gets its replies under that user’s prefix too', async () => {
		const service = newBus();
		await service.join({ servers: [server.wsUrl], name: 'svc', user: 'svc', pass: 'svc-pw' });
		service.subscribe('svc.echo', (msg) => msg.respond(msg.data));
		await service.flush();

		const agent = await connectAgent({
			servers: server.natsUrl,
			name: 'Grace’s script',
			user: 'grace',
			pass: 'grace-pw',
			presence: false
		});
		try {
			const reply = await agent.nc.request('svc.echo', 'ping', { timeout: 5_000 });
			expect(reply.string()).toBe('ping');
			expect(reply.subject).toMatch(/^_INBOX_grace\./u);
		} finally {
			await agent.close();
		}
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

	it('gets replies under the name the file gives, so an operator can confine them (_INBOX_{{name()}})', async () => {
		const svc = newBus();
		await svc.join({ servers: [operatorServer.wsUrl], name: 'svc', credentials: jwt.credsFor('svc') });
		svc.subscribe('svc.echo', (msg) => msg.respond(msg.data));
		await svc.flush();

		const creds = jwt.credsFor('ada', {
			pub: { allow: ['svc.>', '$JS.API.>'] },
			sub: { allow: ['_INBOX_ada.>', 'orchestrator.>'] }
		});
		expect(credentialsUser(creds)).toBe('ada');
		const bus = newBus();
		expect(await bus.join({ servers: [operatorServer.wsUrl], name: 'Ada', credentials: creds })).toBe(true);
		const reply = await bus.request('svc.echo', new TextEncoder().encode('ping'));
		expect(reply.subject).toMatch(/^_INBOX_ada\./u);
		expect(bus.refused).toBeNull();
	});

	it('is refused without one, and a file that is not one is named as such before anything is tried', async () => {
		const bus = newBus();
		expect(await bus.join({ servers: [operatorServer.wsUrl], name: 'Ada' })).toBe(false);
		expect(bus.status).toMatchObject({ reason: expect.stringContaining('refused to let you in') });
		expect(credentialsProblem('user=ada\npassword=secret')).toMatch(/not a NATS credentials file/u);
	});
});

describe('inboxPrefixFor', () => {
	it('names who signed in: the user, the NKey, the credentials file; a token names nobody', () => {
		expect(inboxPrefixFor({ user: 'grace' })).toBe('_INBOX_grace');
		expect(inboxPrefixFor({ nkeySeed: adaSeed })).toBe(`_INBOX_${ada.getPublicKey()}`);
		expect(inboxPrefixFor({ credentials: createJwtAuth().credsFor('lin') })).toBe('_INBOX_lin');
		expect(inboxPrefixFor({})).toBeUndefined();
		// A name a subject cannot hold, or a seed that is not one: the shared prefix, as before.
		expect(inboxPrefixFor({ user: 'grace hopper' })).toBeUndefined();
		expect(inboxPrefixFor({ nkeySeed: 'SUNOTASEED' })).toBeUndefined();
	});

	it('takes a credentials file’s public key when its name is not a plain one', () => {
		const creds = createJwtAuth().credsFor('Ada Lovelace');
		expect(credentialsUser(creds)).toMatch(/^U[A-Z2-7]{55}$/u);
	});
});
