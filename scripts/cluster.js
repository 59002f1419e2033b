#!/usr/bin/env node
/**
 * `npm run cluster`: Switchboard on a local three-node NATS cluster (nats/cluster/node.conf) and the
 * app, with a join link that lists all three WebSocket URLs so the page fails over by itself.
 * Stop one node (kill its pid) to watch it happen; Ctrl-C stops everything.
 */
import path from 'node:path';
import { BUILD_DIR, ensureBuild } from './lib/build.js';
import { clusterAdminPassword, defaultNodePorts, startCluster } from './lib/cluster.js';
import { findNatsServer, HOW_TO_INSTALL } from './lib/nats-server.js';
import { assertPortsFree } from './lib/ports.js';
import { exitCleanly } from './lib/processes.js';
import { provisionAsAdmin } from './lib/provision.js';
import { appHostName, displayHost, originNotes, readSettings } from './lib/settings.js';

const { onExit, shutdown } = exitCleanly();

async function main() {
	const settings = readSettings();
	const nodes = defaultNodePorts();
	// The app's port and n1's (4222/4223/8222, the same as npm start's); a clash on n2 or n3 is
	// reported by nats-server itself.
	await assertPortsFree(settings);
	const binary = findNatsServer();
	if (!binary) throw new Error(`nats-server is not installed.\n${HOW_TO_INSTALL}`);
	const running = await startCluster({
		binary,
		host: settings.host,
		dataDir: path.join(settings.dataDir, 'cluster'),
		nodes,
		httpPort: settings.httpPort,
		origins: settings.origins,
		onLogLine: (name, line) => {
			// Nodes starting together cannot reach each other's routes for a moment: that is expected.
			if (/\[(ERR|FTL)\]/.test(line) && !/connect to route/.test(line)) console.error(`${name}: ${line}`);
		}
	});
	for (const node of running) onExit(node.stop);
	// Storage with three replicas, before any console joins (the nodes elect a leader first).
	const routeHost = settings.host === '0.0.0.0' || settings.host === '::' ? '127.0.0.1' : settings.host;
	await provisionAsAdmin({
		servers: running.map((node) => `nats://${routeHost}:${node.natsPort}`),
		password: clusterAdminPassword(path.join(settings.dataDir, 'cluster'))
	});

	if (ensureBuild()) console.log('Built the app.');
	const { serveApp } = await import('./lib/static-server.js');
	const http = await serveApp({ dir: BUILD_DIR, port: settings.httpPort, host: settings.host });
	onExit(() => new Promise((resolve) => http.close(() => resolve())));

	const host = displayHost(settings.host);
	for (const note of originNotes(settings)) console.log(note);
	const servers = running.map((node) => `ws://${host}:${node.wsPort}`).join(',');
	console.log(`
Switchboard is running on a three-node cluster.
  App:  http://${appHostName(settings)}:${settings.httpPort}/?server=${encodeURIComponent(servers)}
${running.map((n) => `  ${n.name}:   nats://${host}:${n.natsPort}  ws://${host}:${n.wsPort}  monitoring http://${host}:${n.monitorPort}  pid ${n.pid()}`).join('\n')}
Agents list all three client URLs. Stop a node (kill <pid>) and the page moves to another.
Press Ctrl-C to stop.`);
}

main().catch((error) => {
	console.error(`\nThe cluster could not start: ${error instanceof Error ? error.message : String(error)}`);
	void shutdown(1);
});
