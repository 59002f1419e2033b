/**
 * Decentralised auth for tests, made by hand with NKeys (what `nsc` does): an operator, one account
 * with JetStream, and user credentials files. Only what nats-server needs to check a user's JWT.
 */
import { nkeys } from '@nats-io/nats-core';

type KeyPair = ReturnType<typeof nkeys.createUser>;

const b64url = (data: Uint8Array | string) =>
	Buffer.from(typeof data === 'string' ? new TextEncoder().encode(data) : data).toString('base64url');

function sign(issuer: KeyPair, subject: string, name: string, nats: Record<string, unknown>): string {
	const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }));
	const claims = b64url(
		JSON.stringify({
			jti: `${subject.slice(0, 8)}${Date.now()}${Math.random().toString(36).slice(2)}`.toUpperCase(),
			iat: Math.floor(Date.now() / 1000),
			iss: issuer.getPublicKey(),
			name,
			sub: subject,
			nats: { ...nats, version: 2 }
		})
	);
	const signature = b64url(issuer.sign(new TextEncoder().encode(`${header}.${claims}`)));
	return `${header}.${claims}.${signature}`;
}

const UNLIMITED = { subs: -1, data: -1, payload: -1 };

export interface JwtAuth {
	/** The server configuration lines: operator, memory resolver, the account preloaded. */
	serverConfig: string;
	/**
	 * A `.creds` file's text for a new user of the account; `permissions` as nsc writes them
	 * (`{ pub: { allow: [...] }, sub: { allow: [...] } }`), else none.
	 */
	credsFor(name: string, permissions?: { pub?: { allow: string[] }; sub?: { allow: string[] } }): string;
}

export function createJwtAuth(): JwtAuth {
	const operator = nkeys.createOperator();
	const account = nkeys.createAccount();
	// JetStream needs the server's own system account.
	const system = nkeys.createAccount();
	const operatorJwt = sign(operator, operator.getPublicKey(), 'switchboard-test', {
		type: 'operator',
		system_account: system.getPublicKey()
	});
	const systemJwt = sign(operator, system.getPublicKey(), 'SYS', {
		type: 'account',
		limits: { ...UNLIMITED }
	});
	const accountJwt = sign(operator, account.getPublicKey(), 'agents', {
		type: 'account',
		limits: {
			...UNLIMITED,
			imports: -1,
			exports: -1,
			wildcards: true,
			conn: -1,
			leaf: -1,
			mem_storage: -1,
			disk_storage: -1,
			streams: -1,
			consumer: -1
		}
	});
	return {
		serverConfig:
			`operator: ${operatorJwt}\nsystem_account: ${system.getPublicKey()}\nresolver: MEMORY\n` +
			`resolver_preload: { ${account.getPublicKey()}: ${accountJwt}, ${system.getPublicKey()}: ${systemJwt} }\n`,
		credsFor(name, permissions = {}) {
			const user = nkeys.createUser();
			const jwt = sign(account, user.getPublicKey(), name, {
				type: 'user',
				pub: permissions.pub ?? {},
				sub: permissions.sub ?? {},
				...UNLIMITED
			});
			const seed = new TextDecoder().decode(user.getSeed());
			return `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n************************* IMPORTANT *************************\nNKEY Seed printed below can be used to sign and prove identity.\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`;
		}
	};
}

/** A whole test server configuration in operator mode: loopback, WebSocket, JetStream, this auth. */
export function operatorModeConfig(auth: JwtAuth): string {
	return `host: 127.0.0.1
port: $SWITCHBOARD_NATS_PORT
http_port: $SWITCHBOARD_MONITOR_PORT
websocket { host: 127.0.0.1, port: $SWITCHBOARD_WS_PORT, no_tls: true }
jetstream { store_dir: $SWITCHBOARD_DATA_DIR }
${auth.serverConfig}`;
}
