/**
 * Errors in words, from the NATS client's own classes and from a real server's refusals: a timeout,
 * no responders, a permission violation and a JetStream API error, each told apart by type.
 */
import { connect } from '@nats-io/transport-node';
import { errors } from '@nats-io/nats-core';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/helpers/nats-server';
import { describeError, isNoResponders, isSignInRefused, isTimeout, jetStreamRefusal } from './errors';

describe('describeError on the client’s error classes', () => {
	it('names each kind in words, and only by its class', () => {
		expect(describeError(new errors.TimeoutError())).toBe('no reply came in time');
		expect(describeError(new errors.AuthorizationError('Authorization Violation'))).toBe(
			'the server refused the sign-in'
		);
		expect(describeError(new errors.UserAuthenticationExpiredError('User Authentication Expired'))).toBe(
			'the sign-in has expired'
		);
		expect(describeError(new errors.ClosedConnectionError())).toBe('the connection to the server is closed');
		const violation = new errors.PermissionViolationError('x', 'subscription', 'secret.>');
		expect(describeError(violation)).toBe('the server does not allow this login to listen on secret.>');
		// A plain error that only sounds like one is just its message.
		expect(describeError(new Error('request timeout, authorization failed.'))).toBe(
			'request timeout, authorization failed'
		);
		expect(isTimeout(new Error('timeout'))).toBe(false);
		expect(isSignInRefused(new Error('Authorization Violation'))).toBe(false);
		expect(describeError('a string')).toBe('a string');
	});
});

describe('describeError on a real server’s refusals', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer();
	});
	afterAll(async () => {
		await server.stop();
	});

	it('no responders, a timeout, and a JetStream API error with its code', async () => {
		const nc = await connect({ servers: server.natsUrl });
		try {
			const noOne = await nc
				.request('nobody.listens.here', 'hi', { timeout: 2_000 })
				.catch((e: unknown) => e);
			expect(isNoResponders(noOne)).toBe(true);
			expect(describeError(noOne)).toBe('nobody on the bus answers that subject (no responders)');

			nc.subscribe('slow.service', { callback: () => undefined });
			const slow = await nc.request('slow.service', 'hi', { timeout: 200 }).catch((e: unknown) => e);
			expect(isTimeout(slow)).toBe(true);
			expect(describeError(slow)).toBe('no reply came in time');

			// A stream that does not exist: JetStream's own code (10059), not a guess from the words.
			const missing = await jetstream(nc)
				.streams.get('NO_SUCH_STREAM')
				.then((stream) => stream.info())
				.catch((e: unknown) => e);
			expect(jetStreamRefusal(missing)?.code).toBe(10059);
			expect(describeError(missing)).toMatch(/^JetStream refused it: .*stream not found.* \(error 10059\)$/u);
		} finally {
			await nc.close();
		}
	});
});
