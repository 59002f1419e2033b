/**
 * A newcomer's first run, from a clean clone: `npm install` then `npm start` print only what a person
 * needs — no warnings to ignore, no build chatter — and the app is up. (This machine's own npm
 * configuration may warn about itself; that line is the machine's, not the project's, and is skipped.)
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freeSettings } from './helpers/nats-server';
import { shellEnvironment, startEnvironment } from './helpers/switchboard';

const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-first-run-'));
afterAll(() => fs.rmSync(clone, { recursive: true, force: true }));

/** Lines a person would have to read past: npm's warnings and notices, the bundler's reports. */
const chatter = (output: string) =>
	output
		.split('\n')
		.filter((line) => !/Unknown (user|env) config/u.test(line))
		.filter((line) =>
			/\bwarn\b|WARN|notice|deprecated|PLUGIN_TIMINGS|INEFFECTIVE|Wrote site|npm run preview|adapter-static/iu.test(
				line
			)
		);

describe('a first run from a clean clone', () => {
	it('npm install, then npm start: no warnings, no build chatter, the app is up', async () => {
		const cloned = spawnSync('git', ['clone', '--quiet', process.cwd(), clone], { encoding: 'utf8' });
		expect(cloned.status, cloned.stderr).toBe(0);

		const shellEnv = shellEnvironment();
		const install = spawnSync('npm', ['install', '--prefer-offline'], {
			cwd: clone,
			encoding: 'utf8',
			env: shellEnv
		});
		expect(install.status, install.stderr).toBe(0);
		expect(chatter(`${install.stdout}\n${install.stderr}`)).toEqual([]);

		const settings = await freeSettings();
		const start = spawn(process.execPath, ['scripts/start.js'], {
			cwd: clone,
			env: { ...shellEnv, ...startEnvironment(settings) },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		try {
			await new Promise<void>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 170_000);
				start.stdout.on('data', () => {
					if (output.includes('Press Ctrl-C to stop.')) {
						clearTimeout(timer);
						resolve();
					}
				});
				start.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
			});
			const page = await fetch(`http://localhost:${settings.httpPort}/`);
			expect(page.status).toBe(200);
		} finally {
			const exited = new Promise((resolve) => start.once('exit', resolve));
			start.kill('SIGTERM');
			await exited;
			fs.rmSync(settings.dataDir, { recursive: true, force: true });
		}
		expect(chatter(output)).toEqual([]);
		// What a person reads: that it builds (the first time), that it built, and where everything is.
		const lines = output.split('\n').filter((line) => line.trim());
		expect(lines[0]).toMatch(/^Building the app/u);
		expect(lines[1]).toBe('Built the app.');
		expect(lines[2]).toBe('Switchboard is running.');
		expect(lines.at(-1)).toBe('Open the app, enter a name and join. Press Ctrl-C to stop.');
		expect(lines.length).toBeLessThanOrEqual(12);
	}, 400_000);
});
