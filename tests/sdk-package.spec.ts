/**
 * The SDK as a package: built (npm run build:sdk), packed with `npm pack`, installed into a scratch
 * folder outside this repository, and used there as an agent would: its types check, an agent asks
 * and a person answers, and the `switchboard` command runs from the installed package.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildSdk, SDK_DIR } from '../scripts/build-sdk';
import { openHumanConsole, type HumanConsole } from './helpers/human';
import { shellEnvironment } from './helpers/switchboard';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-sdk-user-'));
const ROOT = process.cwd();
const shellEnv = shellEnvironment();
let human: HumanConsole;

beforeAll(async () => {
	await buildSdk();
	const packed = spawnSync('npm', ['pack', '--pack-destination', scratch], {
		cwd: SDK_DIR,
		encoding: 'utf8',
		env: shellEnv
	});
	expect(packed.status, packed.stderr).toBe(0);
	const tarball = path.join(scratch, packed.stdout.trim().split('\n').at(-1)!);
	fs.writeFileSync(
		path.join(scratch, 'package.json'),
		JSON.stringify({ name: 'my-agent', private: true, type: 'module' })
	);
	const installed = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
		cwd: scratch,
		encoding: 'utf8',
		env: shellEnv
	});
	expect(installed.status, installed.stderr).toBe(0);
	human = await openHumanConsole(inject('wsUrl'), 'Ada');
}, 240_000);
afterAll(async () => {
	await human?.close();
	fs.rmSync(scratch, { recursive: true, force: true });
});

describe('switchboard-sdk, installed from its package', () => {
	it('ships ESM, its types and the command, and nothing of this repository’s sources', () => {
		const installed = path.join(scratch, 'node_modules/switchboard-sdk');
		expect(fs.existsSync(path.join(installed, 'dist/index.js'))).toBe(true);
		expect(fs.existsSync(path.join(installed, 'dist/index.d.ts'))).toBe(true);
		expect(fs.existsSync(path.join(installed, 'README.md'))).toBe(true);
		expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);
		// Its dependencies are the ones this repository is tested with, range for range.
		const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
		const root = read('package.json');
		const pkg = read(path.join(SDK_DIR, 'package.json'));
		for (const [name, range] of Object.entries(pkg.dependencies))
			expect(range, name).toBe(root.dependencies[name]);
		expect(pkg.version).toBe(root.version);
	});

	it('type-checks an agent written against it', () => {
		fs.writeFileSync(
			path.join(scratch, 'agent.ts'),
			`import { SwitchboardAgent, AskTimeoutError, type AskResult } from 'switchboard-sdk';
const agent: SwitchboardAgent = await SwitchboardAgent.connect({ name: 'Typed' });
const result: AskResult = await agent.ask('Ship?', { options: ['yes', 'no'], urgency: 'high' });
const by: string = result.by.name;
console.log(by, AskTimeoutError.name);
// @ts-expect-error: urgency is low, medium or high
await agent.ask('Ship?', { urgency: 'whenever' });
`
		);
		const tsc = spawnSync(
			process.execPath,
			[
				path.join(ROOT, 'node_modules/typescript/bin/tsc'),
				'--noEmit',
				'--strict',
				'--module',
				'nodenext',
				'--moduleResolution',
				'nodenext',
				'--target',
				'es2022',
				'--skipLibCheck',
				'--typeRoots',
				path.join(ROOT, 'node_modules/@types'),
				'--types',
				'node',
				'agent.ts'
			],
			{ cwd: scratch, encoding: 'utf8' }
		);
		expect(tsc.status, tsc.stdout).toBe(0);
	});

	it('an agent outside this repository asks, a person answers, the agent has the answer', async () => {
		const question = `Publish the package? ${Date.now()}`;
		const example = fs.readFileSync(
			path.join(scratch, 'node_modules/switchboard-sdk/examples/ask.mjs'),
			'utf8'
		);
		fs.writeFileSync(path.join(scratch, 'ask.mjs'), example);
		const agent = spawn(process.execPath, ['ask.mjs', question], {
			cwd: scratch,
			env: { ...shellEnv, NATS_URL: inject('natsUrl') },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		agent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		agent.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const exited = new Promise<number | null>((resolve) => agent.once('exit', resolve));
		await human.answer(question, { text: 'yes', choice: 'yes' });
		expect(await exited, output).toBe(0);
		expect(output).toContain('Ada answered: yes');
	});

	it('runs the switchboard command from the installed package', () => {
		const bin = path.join(scratch, 'node_modules/.bin/switchboard');
		const help = spawnSync(bin, ['--help'], { cwd: scratch, encoding: 'utf8' });
		expect(help.status).toBe(0);
		expect(help.stdout).toContain('switchboard — the agent bus from a shell');
		const agents = spawnSync(bin, ['agents', '--json', '--server', inject('natsUrl')], {
			cwd: scratch,
			encoding: 'utf8'
		});
		expect(agents.status, agents.stderr).toBe(0);
		const listed = JSON.parse(agents.stdout) as Array<{ name: string }>;
		expect(listed.map((a) => a.name)).toContain('Ada');
	});
});
