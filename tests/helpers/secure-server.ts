/**
 * nats/secure.conf, booted as is on free ports with a throwaway self-signed certificate (openssl)
 * and known passwords: for the tests that show what it allows and refuses.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { provisionAsAdmin } from '../../scripts/lib/provision.js';
import { startTestServer, type TestServer } from './nats-server';

export const PASSWORDS = { ada: 'ada-pw-1', grace: 'grace-pw-2', coder: 'coder-pw-3' } as const;

export interface SecureServer {
	server: TestServer;
	/** The certificate's PEM file, to trust it: `tls: { caFile }`. */
	cert: string;
	/** The wss:// URL of its WebSocket listener. */
	wssUrl: string;
	stop(): Promise<void>;
}

/** `origin`: where the app's pages come from (allowed_origins). */
export async function startSecureServer(origin: string): Promise<SecureServer> {
	const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-tls-'));
	const cert = path.join(certDir, 'cert.pem');
	const key = path.join(certDir, 'key.pem');
	execFileSync(
		'openssl',
		['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1'].concat([
			'-subj',
			'/CN=localhost',
			'-addext',
			'subjectAltName=IP:127.0.0.1,DNS:localhost'
		]),
		{ stdio: 'ignore' }
	);
	const server = await startTestServer({
		config: fs.readFileSync(path.join(import.meta.dirname, '../../nats/secure.conf'), 'utf8'),
		env: {
			SWITCHBOARD_TLS_CERT: cert,
			SWITCHBOARD_TLS_KEY: key,
			SWITCHBOARD_ORIGIN: origin,
			SWITCHBOARD_ADA_PASSWORD: PASSWORDS.ada,
			SWITCHBOARD_GRACE_PASSWORD: PASSWORDS.grace,
			SWITCHBOARD_CODER_PASSWORD: PASSWORDS.coder
		}
	});
	// The admin provisions the storage, as on a real deployment: people cannot.
	await provisionAsAdmin({
		servers: [server.natsUrl],
		password: server.adminPassword,
		tls: { caFile: cert }
	});
	return {
		server,
		cert,
		wssUrl: server.wsUrl.replace('ws://', 'wss://'),
		stop: async () => {
			await server.stop();
			fs.rmSync(certDir, { recursive: true, force: true });
		}
	};
}
