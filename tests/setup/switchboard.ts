/**
 * Playwright global setup: runs Switchboard exactly as a person does (`npm start`'s script) on free
 * ports, and on teardown stops it with SIGTERM and checks it left no nats-server behind.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { freeSettings } from '../helpers/nats-server';

export default async function setup() {
	const settings = await freeSettings();
	const child = spawn(process.execPath, ['scripts/start.js'], {
		env: {
			...process.env,
			SWITCHBOARD_HTTP_PORT: String(settings.httpPort),
			SWITCHBOARD_WS_PORT: String(settings.wsPort),
			SWITCHBOARD_NATS_PORT: String(settings.natsPort),
			SWITCHBOARD_MONITOR_PORT: String(settings.monitorPort),
			SWITCHBOARD_DATA_DIR: settings.dataDir
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const natsPid = await new Promise<number>((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`npm start did not come up in 120 s:\n${output}`)),
			120_000
		);
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const pid = /nats-server pid: (\d+)/.exec(output);
			if (pid && output.includes('Switchboard is running.')) {
				clearTimeout(timer);
				resolve(Number(pid[1]));
			}
		});
		child.once('exit', (code) =>
			reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`))
		);
	});

	process.env.SWITCHBOARD_TEST_APP_URL = `http://localhost:${settings.httpPort}`;
	process.env.SWITCHBOARD_TEST_WS_URL = `ws://localhost:${settings.wsPort}`;
	process.env.SWITCHBOARD_TEST_NATS_URL = `nats://127.0.0.1:${settings.natsPort}`;

	return async () => {
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		await exited;
		fs.rmSync(settings.dataDir, { recursive: true, force: true });
		if (isAlive(natsPid)) {
			process.kill(natsPid, 'SIGKILL');
			throw new Error(`npm start left nats-server (pid ${natsPid}) running after SIGTERM.`);
		}
	};
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
