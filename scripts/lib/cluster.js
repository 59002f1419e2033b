/**
 * Switchboard's three-node cluster (nats/cluster/node.conf): shared by `npm run cluster` and the
 * fail-over test, so the test runs the cluster exactly as a person does.
 */
import path from 'node:path';
import { startNatsServer } from './nats-server.js';
import { adminPassword, ROOT } from './settings.js';

export const CLUSTER_CONFIG = path.join(ROOT, 'nats/cluster/node.conf');

/**
 * @typedef {{ name: string, natsPort: number, wsPort: number, monitorPort: number, clusterPort: number }} NodePorts
 * @typedef {NodePorts & { pid: () => number | undefined, start: () => Promise<void>, stop: () => Promise<void> }} ClusterNode
 */

/** The documented local ports: n1 on 4222/4223/6222/8222, then +10 for n2 and +20 for n3. */
export function defaultNodePorts() {
	return ['n1', 'n2', 'n3'].map((name, i) => ({
		name,
		natsPort: 4222 + 10 * i,
		wsPort: 4223 + 10 * i,
		clusterPort: 6222 + 10 * i,
		monitorPort: 8222 + 10 * i
	}));
}

/**
 * One admin for the whole cluster (nats/access.conf), its password kept beside the nodes' folders.
 * @param {string} dataDir
 */
export function clusterAdminPassword(dataDir) {
	return adminPassword({ dataDir, httpPort: 0, wsPort: 0, natsPort: 0, monitorPort: 0, host: '' });
}

/**
 * Starts the three nodes, each with its own data folder under `dataDir`; resolves once every node
 * takes clients. A node can be stopped and started again (same ports, same data).
 * `httpPort` and `origins`: where the app's pages come from, the only pages that may connect.
 * @param {{ binary: string, host: string, dataDir: string, nodes: NodePorts[], onLogLine?: (node: string, line: string) => void, httpPort?: number, origins?: string[] }} options
 * @returns {Promise<ClusterNode[]>}
 */
export async function startCluster({ binary, host, dataDir, nodes, onLogLine, httpPort = 0, origins = [] }) {
	const password = clusterAdminPassword(dataDir);
	const routeHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
	const routes = Object.fromEntries(
		nodes.map((node, i) => [`SWITCHBOARD_ROUTE_${i + 1}`, `nats-route://${routeHost}:${node.clusterPort}`])
	);
	return Promise.all(
		nodes.map(async (node) => {
			const settings = {
				httpPort,
				origins,
				wsPort: node.wsPort,
				natsPort: node.natsPort,
				monitorPort: node.monitorPort,
				host,
				dataDir: path.join(dataDir, node.name)
			};
			/** @type {import('./nats-server.js').RunningServer | null} */
			let running = null;
			const start = async () => {
				running = await startNatsServer({
					binary,
					settings,
					logFile: path.join(settings.dataDir, 'nats-server.log'),
					configFile: CLUSTER_CONFIG,
					adminPassword: password,
					env: {
						...routes,
						SWITCHBOARD_NODE_NAME: node.name,
						SWITCHBOARD_CLUSTER_PORT: String(node.clusterPort)
					},
					onLogLine: onLogLine && ((line) => onLogLine(node.name, line))
				});
			};
			await start();
			return {
				...node,
				pid: () => running?.pid,
				start,
				stop: async () => {
					await running?.stop();
					running = null;
				}
			};
		})
	);
}
