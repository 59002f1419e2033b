/**
 * The options every Switchboard connection is made with, built in one place for the page, the demo
 * crew's worker and the Node SDK: sign-in (user and password, token, NKey seed or credentials file),
 * replies under the login's own inbox prefix, servers tried in the order given, reconnecting forever.
 */
import { credsAuthenticator, nkeyAuthenticator, type ConnectionOptions } from '@nats-io/nats-core';
import { inboxPrefixFor, type JoinDetails } from './connection-options';

/** How a connection signs in; empty fields are left out. */
export type SignIn = Pick<JoinDetails, 'user' | 'pass' | 'token' | 'nkeySeed' | 'credentials'>;

/** Just the sign-in part of join details (what the demo crew's worker is handed). */
export function signInOf(details: SignIn): SignIn {
	const { user, pass, token, nkeySeed, credentials } = details;
	return { user, pass, token, nkeySeed, credentials };
}

/** A credentials file wins over a bare NKey seed; user, password and token go as they are. */
function authenticatorFor(signIn: SignIn) {
	const encode = (text: string) => new TextEncoder().encode(text);
	// As read from the file: nats-core's parser needs the line ends around its markers.
	if (signIn.credentials?.trim()) return credsAuthenticator(encode(signIn.credentials));
	if (signIn.nkeySeed?.trim()) return nkeyAuthenticator(encode(signIn.nkeySeed.trim()));
	return undefined;
}

/** Connection options for `servers`, named `name` in the server's connection list, signed in as `signIn`. */
export function connectOptionsFor(servers: string[], name: string, signIn: SignIn): ConnectionOptions {
	return {
		servers,
		name,
		user: signIn.user || undefined,
		pass: signIn.pass || undefined,
		token: signIn.token || undefined,
		authenticator: authenticatorFor(signIn),
		// Replies under the login's own prefix, so a secured server can keep others out of them.
		inboxPrefix: inboxPrefixFor(signIn),
		// In the order the person (or the link they confirmed) listed them, never shuffled.
		noRandomize: true,
		maxReconnectAttempts: -1
	};
}
