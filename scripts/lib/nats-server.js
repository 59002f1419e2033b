/**
 * Finding, installing and running nats-server: shared by `npm start` and the test setup, so the tests
 * run the server exactly as a person does.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { configFor, natsEnvironment, ROOT } from './settings.js';
import { stopProcess } from './processes.js';
import { waitForPort } from './ports.js';

const SEARCH_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/opt/homebrew/bin'];

export class NatsServerError extends Error {
	name = 'NatsServerError';
}

/**
 * The nats-server binary: SWITCHBOARD_NATS_SERVER, else PATH, else the usual system folders.
 * @returns {string | null}
 */
export function findNatsServer(env = process.env) {
	if (env.SWITCHBOARD_NATS_SERVER) {
		return fs.existsSync(env.SWITCHBOARD_NATS_SERVER) ? env.SWITCHBOARD_NATS_SERVER : null;
	}
	const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SEARCH_DIRS];
	for (const dir of dirs) {
		const candidate = path.join(dir, process.platform === 'win32' ? 'nats-server.exe' : 'nats-server');
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			return candidate;
		} catch {
			// not here
		}
	}
	return null;
}

/** True on Debian or Ubuntu when running as root, where apt-get can install the server. */
export function canInstallWithApt() {
	return (
		process.platform === 'linux' &&
		process.getuid?.() === 0 &&
		fs.existsSync('/etc/debian_version') &&
		spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0
	);
}

/** Installs Debian's nats-server package; returns the binary's path. */
export function installWithApt() {
	console.log('nats-server is not installed: installing the Debian package (apt-get install nats-server)…');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const args of [['update'], ['install', '-y', 'nats-server']]) {
		const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
		if (result.status !== 0) {
			throw new NatsServerError(
				`apt-get ${args.join(' ')} failed (exit ${result.status}). ${HOW_TO_INSTALL}`
			);
		}
	}
	const binary = findNatsServer();
	if (!binary)
		throw new NatsServerError(`apt-get installed nats-server but it is not on PATH. ${HOW_TO_INSTALL}`);
	return binary;
}

/** True where `docker compose` can run containers. */
export function canUseDockerCompose() {
	return (
		spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0 &&
		spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0
	);
}

export const HOW_TO_INSTALL = `Install nats-server (2.9 or later), then run npm start again:
  Debian/Ubuntu:  sudo apt-get install nats-server
  macOS:          brew install nats-server
  Windows:        choco install nats-server
  With Go:        go install github.com/nats-io/nats-server/v2@latest
  With Docker:    docker compose up
If it is installed somewhere unusual, point SWITCHBOARD_NATS_SERVER at the binary.`;

/**
 * @typedef {{ pid: number | undefined, stop: () => Promise<void>, exited: Promise<number | null>, logTail: () => string }} RunningServer
 */

/**
 * Starts nats-server with nats/switchboard.conf and resolves once clients and browsers can connect.
 * `configFile` (tests, nats/secure.conf) replaces it; it reads the same SWITCHBOARD_* variables.
 * @param {{ binary: string, settings: import('./settings.js').Settings, logFile?: string, onLogLine?: (line: string) => void, configFile?: string, env?: Record<string, string>, adminPassword?: string }} options
 * @returns {Promise<RunningServer>}
 */
export async function startNatsServer({
	binary,
	settings,
	logFile,
	onLogLine,
	configFile = configFor(settings),
	env = {},
	adminPassword
}) {
	fs.mkdirSync(settings.dataDir, { recursive: true });
	const child = spawn(binary, ['-c', configFile], {
		env: { ...process.env, ...natsEnvironment(settings, adminPassword), ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
		cwd: ROOT
	});
	return watchServer(child, settings, logFile, onLogLine);
}

/**
 * Runs the server from docker-compose.yml in the foreground, for machines without nats-server.
 * @param {{ settings: import('./settings.js').Settings, onLogLine?: (line: string) => void }} options
 * @returns {Promise<RunningServer>}
 */
export async function startNatsWithDocker({ settings, onLogLine }) {
	const child = spawn('docker', ['compose', 'up', 'nats'], {
		env: { ...process.env, ...natsEnvironment(settings), SWITCHBOARD_DATA_DIR: settings.dataDir },
		stdio: ['ignore', 'pipe', 'pipe'],
		cwd: ROOT
	});
	return watchServer(child, settings, undefined, onLogLine, 'SIGINT');
}

/**
 * @param {import('node:child_process').ChildProcess} child
 * @param {import('./settings.js').Settings} settings
 * @param {string | undefined} logFile
 * @param {((line: string) => void) | undefined} onLogLine
 * @param {NodeJS.Signals} stopSignal
 * @returns {Promise<RunningServer>}
 */
async function watchServer(child, settings, logFile, onLogLine, stopSignal = 'SIGTERM') {
	const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
	/** @type {string[]} */
	const tail = [];
	const onData = (/** @type {Buffer} */ chunk) => {
		log?.write(chunk);
		for (const line of chunk.toString('utf8').split('\n')) {
			if (!line.trim()) continue;
			tail.push(line);
			if (tail.length > 40) tail.shift();
			onLogLine?.(line);
		}
	};
	child.stdout?.on('data', onData);
	child.stderr?.on('data', onData);
	const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
	const logTail = () => tail.join('\n');

	const ready = Promise.all([
		waitForPort(settings.natsPort, connectHost(settings.host)),
		waitForPort(settings.wsPort, connectHost(settings.host))
	]);
	const failed = exited.then((code) => {
		throw new NatsServerError(
			`nats-server stopped during start-up (exit ${code}). Its last lines:\n${logTail()}`
		);
	});
	try {
		await Promise.race([ready, failed]);
	} catch (error) {
		await stopProcess(child, 2_000, stopSignal);
		log?.end();
		throw error;
	}
	failed.catch(() => undefined);
	return {
		pid: child.pid,
		exited: /** @type {Promise<number | null>} */ (exited),
		logTail,
		stop: async () => {
			await stopProcess(child, 5_000, stopSignal);
			log?.end();
		}
	};
}

/** @param {string} host */
function connectHost(host) {
	return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}
