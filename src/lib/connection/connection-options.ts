/** Pure helpers for joining: server URLs, join links, reconnect pacing and connection errors in words. */
import { errors, nkeys } from '@nats-io/nats-core';
import { describeError, isSignInRefused } from './errors';

export interface JoinDetails {
	/** WebSocket URLs of one or more servers of the same cluster. */
	servers: string[];
	/** The name a person goes by on the bus. */
	name: string;
	user?: string;
	pass?: string;
	token?: string;
	/** An NKey user seed (`SU…`): signs the server's challenge; the seed never leaves the page. */
	nkeySeed?: string;
	/** A credentials file's text (`.creds`: a user JWT and its seed), for servers in operator mode. */
	credentials?: string;
}

/** Why `text` is not a NATS credentials file, in words; null when it is one. */
export function credentialsProblem(text: string): string | null {
	const hasJwt = /-----BEGIN NATS USER JWT-----\s*\S+\s*------END NATS USER JWT------/u.test(text);
	const hasSeed = /-----BEGIN USER NKEY SEED-----\s*SU[A-Z2-7]+\s*------END USER NKEY SEED------/u.test(text);
	if (hasJwt && hasSeed) return null;
	return 'That file is not a NATS credentials file: a .creds file holds a user JWT and its NKey seed (nsc generate creds makes one).';
}

const SAFE_TOKEN = /^[A-Za-z0-9_-]+$/u;

/**
 * Who a credentials file says its user is: the user JWT's `name` when it is a plain name (what an
 * operator writes permissions with, `nsc add user ada`), else its public key (`sub`, `U…`).
 */
export function credentialsUser(text: string): string | null {
	const jwt = /-----BEGIN NATS USER JWT-----\s*(\S+)\s*------END NATS USER JWT------/u.exec(text)?.[1];
	const payload = jwt?.split('.')[1];
	if (!payload) return null;
	try {
		const claims = JSON.parse(atob(payload.replace(/-/gu, '+').replace(/_/gu, '/'))) as {
			name?: unknown;
			sub?: unknown;
		};
		if (typeof claims.name === 'string' && SAFE_TOKEN.test(claims.name)) return claims.name;
		return typeof claims.sub === 'string' && SAFE_TOKEN.test(claims.sub) ? claims.sub : null;
	} catch {
		return null;
	}
}

/** An NKey seed's public key (`U…`), or null when it is not a user seed. */
export function nkeyUser(seed: string): string | null {
	try {
		return nkeys.fromSeed(new TextEncoder().encode(seed.trim())).getPublicKey();
	} catch {
		return null;
	}
}

/**
 * The inbox prefix for a person who signed in: `_INBOX_<who>`, so a secured server can let each
 * person read only their own replies (nats/secure.conf; in operator mode `_INBOX_{{name()}}.>`).
 * Who: the name in a credentials file (else its public key), an NKey's public key, or the user
 * name. A token is one secret shared by everyone who has it, so it names nobody: no prefix.
 */
export function inboxPrefixFor(
	details: Pick<JoinDetails, 'user' | 'nkeySeed' | 'credentials'>
): string | undefined {
	let who: string | null | undefined;
	if (details.credentials?.trim()) who = credentialsUser(details.credentials);
	else if (details.nkeySeed?.trim()) who = nkeyUser(details.nkeySeed);
	else who = details.user?.trim();
	return who && SAFE_TOKEN.test(who) ? `_INBOX_${who}` : undefined;
}

/** A permission the server refused, in words: what was refused and what to do. */
export function describePermissionViolation(operation: string, subject: string): string {
	const what = operation === 'publish' ? `send on ${subject}` : `listen on ${subject}`;
	return `The server does not allow you to ${what}. Nothing was lost; ask whoever runs the server for that permission, or sign in as someone who has it.`;
}

export type ServerListResult = { ok: true; servers: string[] } | { ok: false; error: string };

/**
 * Reads what a person typed as the server: one or more WebSocket URLs separated by commas or spaces.
 * `localhost:4223` becomes `ws://localhost:4223`; on a page served over https, `ws://` is refused
 * because the browser would block it without saying why.
 */
export function parseServerList(input: string, pageProtocol = 'http:'): ServerListResult {
	const parts = input
		.split(/[\s,]+/u)
		.map((part) => part.trim())
		.filter(Boolean);
	if (parts.length === 0) {
		return { ok: false, error: 'Enter the server’s WebSocket URL, for example ws://localhost:4223.' };
	}
	const servers: string[] = [];
	for (const part of parts) {
		const withScheme = /^[a-z][a-z0-9+.-]*:\/\//iu.test(part) ? part : `ws://${part}`;
		let url: URL;
		try {
			url = new URL(withScheme);
		} catch {
			return { ok: false, error: `${part} is not a URL. Use the form ws://host:port.` };
		}
		if (url.protocol === 'nats:' || url.protocol === 'tls:') {
			return {
				ok: false,
				error: `${part} is the server’s TCP address; a browser can only use its WebSocket listener, e.g. ws://${url.hostname}:4223 (npm start prints it).`
			};
		}
		if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
			return { ok: false, error: `${part} must start with ws:// or wss://.` };
		}
		if (pageProtocol === 'https:' && url.protocol === 'ws:') {
			return {
				ok: false,
				error: `This page is served over https, so the browser blocks the unencrypted ${part}. Use a wss:// URL (a server WebSocket listener with TLS).`
			};
		}
		servers.push(url.port ? `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}` : part);
	}
	return { ok: true, servers };
}

/** What a join link (`/?server=ws://…&name=…`) fills into the join form. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The servers of a list that are not on the host the page came from: a join link naming one of
 * those sends the person, their name and their answers to someone else's server, so the app asks
 * before connecting. The loopback names count as one host.
 */
export function serversElsewhere(servers: readonly string[], pageHostname: string): string[] {
	const host = (name: string) => (LOOPBACK.has(name.toLowerCase()) ? 'loopback' : name.toLowerCase());
	return servers.filter((server) => {
		try {
			return host(new URL(server).hostname) !== host(pageHostname);
		} catch {
			return true;
		}
	});
}

export function readJoinLink(params: URLSearchParams): { server: string; name: string } {
	return { server: params.get('server') ?? '', name: params.get('name') ?? '' };
}

/** A link that opens Switchboard with the join form filled in; secrets never go into it. */
export function createJoinLink(appUrl: string, servers: string[], name?: string): string {
	const url = new URL(appUrl);
	url.search = '';
	url.hash = '';
	url.searchParams.set('server', servers.join(','));
	if (name) url.searchParams.set('name', name);
	return url.toString();
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s, … capped at 10 s, so a restarted server is not stampeded. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
	const base = Math.min(500 * 2 ** Math.max(0, attempt), 10_000);
	return Math.round(base * (0.75 + random() * 0.5));
}

/** A connection failure in words a person can act on. */
export function describeConnectionError(error: unknown, servers: string[]): string {
	const where = servers.join(', ');
	if (error instanceof errors.UserAuthenticationExpiredError) {
		return `Your credentials for ${where} have expired: get new ones from whoever runs the server.`;
	}
	if (isSignInRefused(error)) {
		return `The server at ${where} refused to let you in: check the user and password, the token or the NKey seed.`;
	}
	return `Could not reach a NATS WebSocket listener at ${where} (${describeError(error)}). Check that the server is running and the URL and port are right — npm start prints the WebSocket URL.`;
}
