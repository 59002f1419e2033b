#!/usr/bin/env node
/**
 * `npm start`: runs Switchboard on this machine — a real nats-server with a WebSocket listener, and the
 * built app — and stops both on Ctrl-C or SIGTERM. With SWITCHBOARD_LEAF_PORT it is a team's hub;
 * `npm run leaf -- --hub URL` (this script with --leaf) runs a person's server as a leaf of that hub.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_DIR, ensureBuild } from './lib/build.js';
import {
	canInstallWithApt,
	canUseDockerCompose,
	findNatsServer,
	HOW_TO_INSTALL,
	installWithApt,
	startNatsServer,
	startNatsWithDocker
} from './lib/nats-server.js';
import { assertPortsFree } from './lib/ports.js';
import { exitCleanly } from './lib/processes.js';
import { provisionAsAdmin } from './lib/provision.js';
import {
	adminPassword,
	appHostName,
	displayHost,
	leafPassword,
	originNotes,
	readSettings,
	SettingsError
} from './lib/settings.js';

const { onExit, shutdown, isStopping } = exitCleanly();

/** @param {unknown} error */
function fail(error) {
	const message = error instanceof Error ? error.message : String(error);
	console.error(`\nSwitchboard could not start: ${message}`);
	void shutdown(1);
}

/** The settings, with --leaf and --hub (npm run leaf) read into them. */
function settingsFromCommandLine() {
	const { values } = parseArgs({ options: { leaf: { type: 'boolean' }, hub: { type: 'string' } } });
	const env = values.hub ? { ...process.env, SWITCHBOARD_HUB_URL: values.hub } : process.env;
	const settings = readSettings(env);
	if (values.leaf && !settings.hubUrl) {
		throw new SettingsError(
			'Which hub? Give its leaf node URL, as the hub printed it: npm run leaf -- --hub nats-leaf://leaf:PASSWORD@hub.example.com:7422 (or set SWITCHBOARD_HUB_URL).'
		);
	}
	return settings;
}

async function main() {
	const settings = settingsFromCommandLine();
	await assertPortsFree(settings);

	// Each problem once: a leaf that the hub refuses tries again every second, with the same words.
	const shown = new Set();
	/** @param {string} line */
	const showProblems = (line) => {
		if (!/\[(ERR|FTL)\]/.test(line)) return;
		const problem = line.replace(/^\[\d+\] \S+ \S+ /u, '').replace(/ - (lid|cid|rid):\d+ - /gu, ' - ');
		if (shown.has(problem)) return;
		shown.add(problem);
		console.error(`nats-server: ${problem}`);
	};

	let server;
	const binary = findNatsServer() ?? (canInstallWithApt() ? installWithApt() : null);
	if (binary) {
		server = await startNatsServer({
			binary,
			settings,
			logFile: path.join(settings.dataDir, 'nats-server.log'),
			onLogLine: showProblems
		});
	} else if (canUseDockerCompose() && !settings.hubUrl && settings.leafPort === undefined) {
		console.log('nats-server is not installed: running it from docker-compose.yml instead.');
		server = await startNatsWithDocker({ settings, onLogLine: showProblems });
	} else {
		throw new Error(`nats-server is not installed.\n${HOW_TO_INSTALL}`);
	}
	onExit(server.stop);
	void server.exited.then((code) => {
		if (isStopping()) return;
		console.error(`\nnats-server stopped unexpectedly (exit ${code}). Its last lines:\n${server.logTail()}`);
		void shutdown(1);
	});

	// Storage exists from the first second, before any console joins: a question asked now is kept.
	// A leaf keeps none: its storage is the hub's, which the hub provisions.
	if (!settings.hubUrl) {
		await provisionAsAdmin({
			servers: [`nats://${connectHost(settings.host)}:${settings.natsPort}`],
			password: adminPassword(settings)
		});
	}

	if (ensureBuild()) console.log('Built the app.');
	const { serveApp } = await import('./lib/static-server.js');
	const http = await serveApp({ dir: BUILD_DIR, port: settings.httpPort, host: settings.host });
	onExit(() => new Promise((resolve) => http.close(() => resolve())));
	http.closeAllConnections?.();

	const host = displayHost(settings.host);
	const wsUrl = `ws://${host}:${settings.wsPort}`;
	const appUrl = `http://${appHostName(settings)}:${settings.httpPort}/?server=${encodeURIComponent(wsUrl)}`;
	for (const note of originNotes(settings)) console.log(note);
	console.log(`
Switchboard is running.
  App:             ${appUrl}
  NATS WebSocket:  ${wsUrl}
  NATS client:     nats://${host}:${settings.natsPort}
  Monitoring:      http://${host}:${settings.monitorPort}
  Data folder:     ${settings.dataDir}
  nats-server pid: ${server.pid ?? 'in Docker'}${topologyLines(settings, host)}
Open the app, enter a name and join. Press Ctrl-C to stop.`);
	if (settings.hubUrl && !(await joinedHub(settings))) {
		const hub = new URL(settings.hubUrl);
		console.error(
			`\nThe hub at ${hub.hostname}:${hub.port} has not accepted this server yet; it keeps trying. If this lasts, check the URL the hub printed (its password included) and that this machine can reach that port. The lines from nats-server above say what the hub answered.`
		);
	}
}

/**
 * Whether the leaf connection to the hub is up, asked of this server's monitoring (/leafz) for a
 * few seconds.
 * @param {import('./lib/settings.js').Settings} settings
 */
async function joinedHub(settings) {
	const deadline = Date.now() + 5_000;
	while (Date.now() < deadline) {
		const leafz = await fetch(`http://${connectHost(settings.host)}:${settings.monitorPort}/leafz`)
			.then((response) => response.json())
			.catch(() => ({}));
		if ((leafz.leafnodes ?? 0) > 0) return true;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	return false;
}

/**
 * What a hub gives its team's servers, or which hub a leaf joined.
 * @param {import('./lib/settings.js').Settings} settings
 * @param {string} host
 */
function topologyLines(settings, host) {
	if (settings.leafPort !== undefined) {
		return `\n  Leaf nodes join: nats-leaf://leaf:${leafPassword(settings)}@${host}:${settings.leafPort}\n                   (on a teammate's machine: npm run leaf -- --hub <that URL>)`;
	}
	if (settings.hubUrl) {
		const hub = new URL(settings.hubUrl);
		return `\n  Leaf of hub:     ${hub.hostname}:${hub.port} (questions and answers are kept there)`;
	}
	return '';
}

/** @param {string} host */
function connectHost(host) {
	return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

main().catch(fail);
