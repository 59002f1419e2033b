/**
 * A real nats-server on free ports, started with the same configuration and code as `npm start`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findNatsServer, startNatsServer, type RunningServer } from '../../scripts/lib/nats-server.js';
import { findFreePort } from '../../scripts/lib/ports.js';
import { provisionAsAdmin } from '../../scripts/lib/provision.js';
import { adminPassword, type Settings } from '../../scripts/lib/settings.js';

export interface TestServer {
	natsUrl: string;
	wsUrl: string;
	monitorUrl: string;
	settings: Settings;
	/** The admin user's password (nats/access.conf), for tests that act as the admin. */
	adminPassword: string;
	/** Kills the server process and starts it again on the same ports and data. */
	restart(): Promise<void>;
	/** Stops the process; it stays stopped until `start`. */
	kill(): Promise<void>;
	start(): Promise<void>;
	/** Stops the server and removes its data. */
	stop(): Promise<void>;
}

export async function freeSettings(): Promise<Settings> {
	const ports = new Set<number>();
	while (ports.size < 4) ports.add(await findFreePort());
	const [httpPort, wsPort, natsPort, monitorPort] = [...ports];
	return {
		httpPort,
		wsPort,
		natsPort,
		monitorPort,
		host: '127.0.0.1',
		dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-test-'))
	};
}

/**
 * `config`: the text of a configuration to run instead of nats/switchboard.conf (it may use the
 * same $SWITCHBOARD_* variables for ports and data); `env` adds variables it reads. On
 * nats/switchboard.conf the storage is provisioned as `npm start` does, unless `provision` is false.
 * `origins`: web origins whose pages may connect besides the app's own (as SWITCHBOARD_ORIGINS).
 * `leafPort` makes it a team's hub (nats/hub.conf); `hubUrl` a leaf of one (nats/leafnode.conf).
 */
export async function startTestServer(
	options: {
		config?: string;
		env?: Record<string, string>;
		provision?: boolean;
		origins?: string[];
		leafPort?: number;
		hubUrl?: string;
	} = {}
): Promise<TestServer> {
	const binary = findNatsServer();
	if (!binary) throw new Error('nats-server is not installed: run .ci/run, or apt-get install nats-server.');
	const { leafPort, hubUrl } = options;
	const settings: Settings = {
		...(await freeSettings()),
		origins: options.origins ?? [],
		...(leafPort !== undefined ? { leafPort } : {}),
		...(hubUrl ? { hubUrl } : {})
	};
	let configFile: string | undefined;
	if (options.config) {
		configFile = path.join(settings.dataDir, 'test.conf');
		fs.writeFileSync(configFile, options.config);
	}
	let running: RunningServer | null = null;
	const start = async () => {
		running = await startNatsServer({
			binary,
			settings,
			logFile: path.join(settings.dataDir, 'nats-server.log'),
			configFile,
			env: options.env
		});
	};
	const kill = async () => {
		await running?.stop();
		running = null;
	};
	await start().catch((error: unknown) => {
		// Nothing to stop: leave no data folder behind either.
		fs.rmSync(settings.dataDir, { recursive: true, force: true });
		throw error;
	});
	const natsUrl = `nats://127.0.0.1:${settings.natsPort}`;
	if (!options.config && options.provision !== false) {
		await provisionAsAdmin({ servers: [natsUrl], password: adminPassword(settings) }).catch(
			async (error: unknown) => {
				await kill();
				fs.rmSync(settings.dataDir, { recursive: true, force: true });
				throw error;
			}
		);
	}
	return {
		natsUrl,
		adminPassword: adminPassword(settings),
		wsUrl: `ws://127.0.0.1:${settings.wsPort}`,
		monitorUrl: `http://127.0.0.1:${settings.monitorPort}`,
		settings,
		start,
		kill,
		restart: async () => {
			await kill();
			await start();
		},
		stop: async () => {
			await kill();
			fs.rmSync(settings.dataDir, { recursive: true, force: true });
		}
	};
}
