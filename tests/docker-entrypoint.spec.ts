/**
 * nats/docker-entrypoint.sh, the nats service's entrypoint in docker-compose.yml, run here for real
 * with the local nats-server (there is no Docker engine): the server it starts lets exactly the
 * app's origins and SWITCHBOARD_ORIGINS open browser connections.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findNatsServer } from '../scripts/lib/nats-server.js';
import { stopProcess } from '../scripts/lib/processes.js';
import { waitForPort } from '../scripts/lib/ports.js';
import { NATS_CONFIG, ROOT, natsEnvironment } from '../scripts/lib/settings.js';
import { freeSettings } from './helpers/nats-server';

const SCRIPT = path.join(ROOT, 'nats/docker-entrypoint.sh');
const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The environment docker-compose.yml gives the nats service, on free ports, plus `extra`. */
async function composeEnvironment(extra: Record<string, string>) {
	const settings = await freeSettings();
	cleanups.push(() => fs.rmSync(settings.dataDir, { recursive: true, force: true }));
	const { SWITCHBOARD_ALLOWED_ORIGINS: _computedByNpmStart, ...env } = natsEnvironment(
		settings,
		'sbdockertest1234'
	);
	const binary = findNatsServer();
	if (!binary) throw new Error('nats-server is not installed: run .ci/run, or apt-get install nats-server.');
	// The image has nats-server on its PATH; here it may be in /usr/sbin.
	const PATH = `${path.dirname(binary)}:${process.env.PATH}`;
	return { settings, env: { PATH, ...env, ...extra } };
}

describe('nats/docker-entrypoint.sh', () => {
	it('starts nats-server allowing the app’s origins and SWITCHBOARD_ORIGINS, nothing else', async () => {
		const { settings, env } = await composeEnvironment({
			SWITCHBOARD_HTTP_PORT: '4380',
			SWITCHBOARD_ORIGINS: 'https://switchboard.example.com, http://10.0.0.5:4280/'
		});
		const child = spawn('/bin/sh', [SCRIPT, '-c', NATS_CONFIG], { env, cwd: ROOT, stdio: 'ignore' });
		cleanups.push(() => stopProcess(child, 2_000));
		await waitForPort(settings.monitorPort, '127.0.0.1');
		const varz = (await (await fetch(`http://127.0.0.1:${settings.monitorPort}/varz`)).json()) as {
			websocket: { allowed_origins: string[] };
		};
		expect(varz.websocket.allowed_origins).toEqual([
			'http://localhost:4380',
			'http://127.0.0.1:4380',
			'http://[::1]:4380',
			'https://switchboard.example.com',
			'http://10.0.0.5:4280'
		]);
	});

	it('refuses an extra origin that is not one, in words, before starting anything', async () => {
		const { env } = await composeEnvironment({ SWITCHBOARD_ORIGINS: 'switchboard.example.com' });
		const run = spawnSync('/bin/sh', [SCRIPT, '-c', NATS_CONFIG], { env, cwd: ROOT, encoding: 'utf8' });
		expect(run.status).toBe(2);
		expect(run.stderr).toContain('SWITCHBOARD_ORIGINS: "switchboard.example.com" is not a web origin');
	});
});
