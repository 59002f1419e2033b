/** Switchboard's three-node cluster on free ports, started with the same code as `npm run cluster`. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterAdminPassword, startCluster, type ClusterNode } from '../../scripts/lib/cluster.js';
import { findNatsServer } from '../../scripts/lib/nats-server.js';
import { findFreePort } from '../../scripts/lib/ports.js';
import { provisionAsAdmin } from '../../scripts/lib/provision.js';

export interface TestNode {
	name: string;
	natsUrl: string;
	wsUrl: string;
	wsPort: number;
	/** Kills the node's process; `start` brings it back with the same ports and data. */
	kill(): Promise<void>;
	start(): Promise<void>;
}

export interface TestCluster {
	nodes: TestNode[];
	natsUrls: string[];
	wsUrls: string[];
	/** The admin user's password (nats/access.conf). */
	adminPassword: string;
	stop(): Promise<void>;
}

/** `origins`: web origins whose pages may connect (a browser test's app), as SWITCHBOARD_ORIGINS does. */
export async function startTestCluster(options: { origins?: string[] } = {}): Promise<TestCluster> {
	const binary = findNatsServer();
	if (!binary) throw new Error('nats-server is not installed: run .ci/run, or apt-get install nats-server.');
	const taken = new Set<number>();
	const free = async () => {
		let port = await findFreePort();
		while (taken.has(port)) port = await findFreePort();
		taken.add(port);
		return port;
	};
	const ports = [];
	for (const name of ['n1', 'n2', 'n3'])
		ports.push({
			name,
			natsPort: await free(),
			wsPort: await free(),
			clusterPort: await free(),
			monitorPort: await free()
		});
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cluster-'));
	const running: ClusterNode[] = await startCluster({
		binary,
		host: '127.0.0.1',
		dataDir,
		nodes: ports,
		origins: options.origins
	});
	const nodes = running.map((node) => ({
		name: node.name,
		natsUrl: `nats://127.0.0.1:${node.natsPort}`,
		wsUrl: `ws://127.0.0.1:${node.wsPort}`,
		wsPort: node.wsPort,
		kill: node.stop,
		start: node.start
	}));
	const password = clusterAdminPassword(dataDir);
	const cluster = {
		adminPassword: password,
		nodes,
		natsUrls: nodes.map((n) => n.natsUrl),
		wsUrls: nodes.map((n) => n.wsUrl),
		stop: async () => {
			await Promise.all(running.map((node) => node.stop()));
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	};
	// Storage with three replicas, as `npm run cluster` provisions it, once the nodes have routed to
	// each other and elected a JetStream leader (a few seconds).
	await provisionAsAdmin({ servers: cluster.natsUrls, password }).catch(async (error: unknown) => {
		await cluster.stop();
		throw error;
	});
	return cluster;
}
