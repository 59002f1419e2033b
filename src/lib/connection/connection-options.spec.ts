import { errors } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import {
	createJoinLink,
	describeConnectionError,
	parseServerList,
	readJoinLink,
	reconnectDelay,
	serversElsewhere
} from './connection-options';

describe('parseServerList', () => {
	it('accepts one or more WebSocket URLs', () => {
		expect(parseServerList('ws://localhost:4223')).toEqual({ ok: true, servers: ['ws://localhost:4223'] });
		expect(parseServerList('ws://a:4223, wss://b:8443 ws://c:4223')).toEqual({
			ok: true,
			servers: ['ws://a:4223', 'wss://b:8443', 'ws://c:4223']
		});
	});

	it('adds ws:// when the scheme is left out', () => {
		expect(parseServerList('localhost:4223')).toEqual({ ok: true, servers: ['ws://localhost:4223'] });
	});

	it('explains why a TCP URL does not work in a browser', () => {
		const result = parseServerList('nats://localhost:4222');
		expect(result).toMatchObject({ ok: false, error: expect.stringContaining('WebSocket listener') });
	});

	it('refuses ws:// on an https page instead of failing silently', () => {
		expect(parseServerList('ws://bus.example:4223', 'https:')).toMatchObject({
			ok: false,
			error: expect.stringContaining('wss://')
		});
		expect(parseServerList('wss://bus.example:8443', 'https:')).toMatchObject({ ok: true });
	});

	it('asks for a URL when there is none', () => {
		expect(parseServerList('  ')).toMatchObject({ ok: false });
		expect(parseServerList('http://localhost:4223')).toMatchObject({ ok: false });
	});
});

describe('join links', () => {
	it('round-trips server and name, and carries no secret', () => {
		const link = createJoinLink('http://localhost:4280/some/path?x=1', ['ws://localhost:4223'], 'Ada');
		expect(link).toBe('http://localhost:4280/some/path?server=ws%3A%2F%2Flocalhost%3A4223&name=Ada');
		expect(readJoinLink(new URL(link).searchParams)).toEqual({ server: 'ws://localhost:4223', name: 'Ada' });
		expect(readJoinLink(new URLSearchParams())).toEqual({ server: '', name: '' });
	});
});

describe('serversElsewhere', () => {
	it('names the servers of a list that are not on the page’s host; loopback names are one host', () => {
		expect(
			serversElsewhere(['ws://localhost:4223', 'ws://127.0.0.1:4233', 'ws://[::1]:4243'], 'localhost')
		).toEqual([]);
		expect(serversElsewhere(['ws://switchboard.lan:4223'], 'Switchboard.LAN')).toEqual([]);
		// A mixed list: the real server and someone else's.
		expect(serversElsewhere(['ws://localhost:4223', 'wss://evil.example:443'], '127.0.0.1')).toEqual([
			'wss://evil.example:443'
		]);
		expect(serversElsewhere(['ws://192.168.1.20:4223'], 'localhost')).toEqual(['ws://192.168.1.20:4223']);
	});
});

describe('reconnectDelay', () => {
	it('backs off exponentially with jitter, up to 10 s', () => {
		const middle = () => 0.5;
		expect([0, 1, 2, 3, 10, 50].map((n) => reconnectDelay(n, middle))).toEqual([
			500, 1000, 2000, 4000, 10000, 10000
		]);
		expect(reconnectDelay(0, () => 0)).toBe(375);
		expect(reconnectDelay(0, () => 1)).toBe(625);
	});
});

describe('describeConnectionError', () => {
	it('says what failed and what to do', () => {
		const refused = describeConnectionError(new Error('connection refused'), ['ws://localhost:4223']);
		expect(refused).toContain('ws://localhost:4223');
		expect(refused).toContain('npm start');
		const auth = new errors.AuthorizationError('Authorization Violation');
		expect(describeConnectionError(auth, ['ws://x:1'])).toMatch(/refused to let you in/);
		const expired = new errors.UserAuthenticationExpiredError('User Authentication Expired');
		expect(describeConnectionError(expired, ['ws://x:1'])).toMatch(/have expired: get new ones/);
		// Told apart by class, not by words: an error that merely mentions authorization is not a refusal.
		const lookalike = new Error('authorization server unreachable');
		expect(describeConnectionError(lookalike, ['ws://x:1'])).toMatch(/^Could not reach/);
	});
});
