/**
 * Runs Switchboard exactly as a person does (`npm start`'s script) on free ports, for the end-to-end
 * tests and the benchmark. `stop` sends SIGTERM and waits for it to exit.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Settings } from '../../scripts/lib/settings.js';
import { freeSettings } from './nats-server';

/** The environment as a person's shell has it: none of the npm_config_* settings `npm test` hands its children. */
export function shellEnvironment(): Record<string, string | undefined> {
	return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/iu.test(key)));
}

/** The variables that put `npm start` on these ports and this data folder. */
export function startEnvironment(settings: Settings): Record<string, string> {
	return {
		SWITCHBOARD_HTTP_PORT: String(settings.httpPort),
		SWITCHBOARD_WS_PORT: String(settings.wsPort),
		SWITCHBOARD_NATS_PORT: String(settings.natsPort),
		SWITCHBOARD_MONITOR_PORT: String(settings.monitorPort),
		SWITCHBOARD_DATA_DIR: settings.dataDir
	};
}

export async function startSwitchboard(timeoutMs = 120_000) {
	const settings = await freeSettings();
	const child = spawn(process.execPath, ['scripts/start.js'], {
		env: { ...process.env, ...startEnvironment(settings) },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const natsPid = await new Promise<number>((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`npm start did not come up in ${timeoutMs / 1000} s:\n${output}`)),
			timeoutMs
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
	return {
		app: `http://localhost:${settings.httpPort}`,
		ws: `ws://localhost:${settings.wsPort}`,
		nats: `nats://127.0.0.1:${settings.natsPort}`,
		natsPid,
		/** What npm start and nats-server printed so far. */
		output: () => output,
		async stop() {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
			fs.rmSync(settings.dataDir, { recursive: true, force: true });
		}
	};
}
