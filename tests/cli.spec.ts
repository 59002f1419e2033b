/** The `switchboard` command as a person runs it: a subprocess against a real server. */
import { spawn } from 'node:child_process';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedReceiverAccepts, seedHeartbeat } from '../src/lib/protocol/fixtures';
import { record, until } from './helpers/watching';
import { openHumanConsole, type HumanConsole } from './helpers/human';
import { freeSettings, startTestServer } from './helpers/nats-server';
import { findNatsServer, startNatsServer } from '../scripts/lib/nats-server.js';
import { provisionAsAdmin } from '../scripts/lib/provision.js';
import { adminPassword } from '../scripts/lib/settings.js';
import fs from 'node:fs';
import { STORAGE } from '../src/lib/storage';

const natsUrl = inject('natsUrl');
const wsUrl = inject('wsUrl');
let human: HumanConsole;
let observer: NatsConnection;

beforeAll(async () => {
	human = await openHumanConsole(wsUrl, 'Ada');
	observer = await connect({ servers: natsUrl });
});
afterAll(async () => {
	await human.close();
	await observer.close();
});

const unique = () => Math.random().toString(36).slice(2, 8);

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Starts `switchboard …`; `done` resolves when it exits; `stop` sends SIGINT. */
function switchboard(args: string[], env: Record<string, string> = {}) {
	const child = spawn(process.execPath, ['bin/switchboard.js', ...args], {
		env: { ...process.env, NATS_URL: natsUrl, NO_COLOR: '1', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const run: Run = { code: null, stdout: '', stderr: '' };
	child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
	const done = new Promise<Run>((resolve) =>
		child.once('exit', (code) => {
			run.code = code;
			resolve(run);
		})
	);
	return { run, done, stop: () => child.kill('SIGINT') };
}

describe('switchboard ask', () => {
	it('started while the server is down, waits for it, asks once it is up, and prints the answer', async () => {
		const settings = await freeSettings();
		const question = `Deploy after the restart? ${unique()}`;
		const cli = switchboard(['ask', question], { NATS_URL: `nats://127.0.0.1:${settings.natsPort}` });
		await until(() => cli.run.stderr.includes('waiting for it'), 'the ask to wait for the server', 15_000);
		expect(cli.run.code).toBeNull();

		// The server comes up as npm start brings it: started, then provisioned.
		const server = await startNatsServer({ binary: findNatsServer()!, settings });
		try {
			await provisionAsAdmin({
				servers: [`nats://127.0.0.1:${settings.natsPort}`],
				password: adminPassword(settings)
			});
			const grace = await openHumanConsole(`ws://127.0.0.1:${settings.wsPort}`, 'Grace');
			try {
				await grace.answer(question, { text: 'go' });
				const { code, stdout } = await cli.done;
				expect(code).toBe(0);
				expect(stdout).toBe('go\n');
			} finally {
				await grace.close();
			}
		} finally {
			cli.stop();
			await server.stop();
			fs.rmSync(settings.dataDir, { recursive: true, force: true });
		}
	}, 40_000);

	it('waits as long as asked: --timeout 600h and --deadline +40d do not time out at once', async () => {
		for (const wait of [
			['--timeout', '600h'],
			['--deadline', new Date(Date.now() + 40 * 86_400_000).toISOString()]
		]) {
			const question = `Keep the logs? ${unique()}`;
			const cli = switchboard(['ask', question, ...wait]);
			const item = await human.waitFor(question, 15_000);
			await until(() => cli.run.stderr.includes('Waiting for an answer'), 'the ask to wait', 10_000);
			expect(cli.run.code).toBeNull();
			await human.inbox.answer(item, { text: 'yes' });
			const { code, stdout } = await cli.done;
			expect(code).toBe(0);
			expect(stdout).toBe('yes\n');
		}
	});

	it('waits for a human, prints the answer on stdout and exits 0; progress goes to stderr', async () => {
		const question = `Deploy build ${unique()}?`;
		const cli = switchboard(['ask', question, '--options', 'yes,no', '--name', 'deploy-bot']);
		const item = await human.waitFor(question, 15_000);
		expect(item.options).toEqual(['yes', 'no']);
		await human.inbox.claim(item);
		await until(() => cli.run.stderr.includes('Ada is on it.'), 'the claim on stderr', 10_000);
		await human.inbox.answer(item, { text: 'yes', choice: 'yes' });
		const { code, stdout, stderr } = await cli.done;
		expect(code).toBe(0);
		expect(stdout).toBe('yes\n');
		expect(stderr).toMatch(/online: .*Ada/);
		expect(stderr).toContain('Asked (question id deploy-bot-');
		expect(stderr).toContain('Answered by Ada.');
	});

	it('prints the whole answer envelope with --json', async () => {
		const question = `Region ${unique()}?`;
		const cli = switchboard(['ask', question, '--json']);
		await human.answer(question, { text: 'eu-west-1' });
		const { code, stdout } = await cli.done;
		expect(code).toBe(0);
		const envelope = JSON.parse(stdout);
		expect(seedReceiverAccepts(new TextEncoder().encode(JSON.stringify(envelope)))).toBe(true);
		expect(envelope).toMatchObject({
			message_type: 'answer',
			content: { answer: 'eu-west-1', answered_by: { name: 'Ada' } }
		});
	});

	it('exits 3 on timeout and 4 when the human declines', async () => {
		const timedOut = await switchboard(['ask', `Nobody answers ${unique()}`, '--timeout', '1s']).done;
		expect(timedOut.code).toBe(3);
		expect(timedOut.stderr).toContain('No human answered within 1 s');

		const question = `Drop prod ${unique()}?`;
		const cli = switchboard(['ask', question]);
		await human.answer(question, { text: 'Declined: no', decision: 'reject' });
		const declined = await cli.done;
		expect(declined.code).toBe(4);
		expect(declined.stderr).toContain('Ada declined');
		expect(declined.stdout).toBe('');
	});

	it('says which server it could not reach and exits 1 (ask waits for it instead: above)', async () => {
		const { code, stderr } = await switchboard(['agents'], { NATS_URL: 'nats://127.0.0.1:1' }).done;
		expect(code).toBe(1);
		expect(stderr).toContain('Could not reach a NATS server at nats://127.0.0.1:1');
	});
});

describe('switchboard send, broadcast, request', () => {
	it('broadcasts a seed envelope the seed accepts', async () => {
		const seen = record(observer, 'orchestrator.broadcast.status_update');
		await observer.flush();
		const marker = unique();
		const { code } = await switchboard([
			'broadcast',
			'status_update',
			`{"status":"completed","marker":"${marker}"}`
		]).done;
		expect(code).toBe(0);
		await until(() => seen.messages.some((m) => m.string().includes(marker)), 'the broadcast');
		expect(seedReceiverAccepts(seen.messages.find((m) => m.string().includes(marker))!.data)).toBe(true);
		seen.stop();
	});

	it('sends directly, and prints a request’s reply envelope', async () => {
		const to = `architect-${unique()}`;
		const direct = record(observer, `orchestrator.agent.${to}.coordination_request`);
		observer.subscribe(`orchestrator.agent.${to}.resource_request`, {
			callback: (_e, msg) => {
				msg.respond(
					JSON.stringify({
						from_agent: to,
						to_agent: null,
						message_type: 'resource_response',
						content: { granted: true },
						timestamp: '2025-12-07T23:11:11',
						correlation_id: null
					})
				);
			}
		});
		await observer.flush();
		expect((await switchboard(['send', to, 'coordination_request', '{"topic":"schema"}']).done).code).toBe(0);
		await until(() => direct.messages.length === 1, 'the direct message');
		const reply = await switchboard(['request', to, 'resource_request', '{"resource":"task_model"}']).done;
		expect(reply.code).toBe(0);
		expect(JSON.parse(reply.stdout)).toMatchObject({
			message_type: 'resource_response',
			content: { granted: true }
		});
		direct.stop();
	});

	it('refuses a wrong type or content with exit 2 and says what is right', async () => {
		const badType = await switchboard(['broadcast', 'dance', '{}']).done;
		expect(badType.code).toBe(2);
		expect(badType.stderr).toContain('"dance" is not a message type. Use one of: status_update');
		const badContent = await switchboard(['broadcast', 'question', '{"urgency":"high"}']).done;
		expect(badContent.code).toBe(2);
		expect(badContent.stderr).toContain('Cannot send this question: content: question is missing');
	});
});

describe('switchboard steer', () => {
	it('pauses an SDK agent that obeys, pings it, and says what is missing before sending anything', async () => {
		const { connectAgent } = await import('../src/sdk');
		const coder = await connectAgent({ servers: natsUrl, name: `steered-${unique()}` });
		try {
			const orders: string[] = [];
			coder.onControl((control) => {
				orders.push(`${control.command} ${control.reason} ${control.requestedBy?.name}`);
			});
			const paused = await switchboard(
				['steer', coder.identity.id, 'pause', '--reason', 'cost review', '--name', 'ops-bot'],
				{}
			).done;
			expect(paused.code).toBe(0);
			expect(paused.stderr).toContain(
				`ops-bot paused ${coder.identity.id}: cost review. Recorded in the audit trail.`
			);
			await until(() => coder.paused, 'the agent to pause');
			expect(orders).toEqual(['pause_agent cost review ops-bot']);

			const ping = await switchboard(['steer', coder.identity.id, 'ping']).done;
			expect(ping.code).toBe(0);
			expect(Number(ping.stdout.trim())).toBeGreaterThan(0);

			const noTask = await switchboard(['steer', coder.identity.id, 'stop']).done;
			expect(noTask.code).toBe(1);
			expect(noTask.stderr).toContain('Say which task to stop');
			const noOrder = await switchboard(['steer', coder.identity.id, 'reboot']).done;
			expect(noOrder.code).toBe(2);
			expect(noOrder.stderr).toContain('Give an order: pause, resume, stop, goal, ping ("reboot" is none).');
			expect(orders).toHaveLength(1);
		} finally {
			await coder.close();
		}
	});
});

describe('switchboard agents and tail', () => {
	it('lists the roster, humans included', async () => {
		const seedId = `coder-2.1-${unique()}`;
		observer.publish(
			'orchestrator.broadcast.heartbeat',
			JSON.stringify(seedHeartbeat({ from_agent: seedId }))
		);
		await observer.flush();
		const { code, stdout } = await switchboard(['agents', '--json']).done;
		expect(code).toBe(0);
		const agents = JSON.parse(stdout) as Array<{ id: string; kind: string; state: string }>;
		expect(agents).toContainEqual(
			expect.objectContaining({ id: human.identity.id, kind: 'human', state: 'online' })
		);
		expect(agents).toContainEqual(expect.objectContaining({ id: seedId, state: 'online' }));
		const text = await switchboard(['agents']).done;
		expect(text.stdout).toMatch(new RegExp(`online\\s+Ada ${human.identity.id}`));
	});

	it('follows the traffic, decoded, with invalid messages flagged', async () => {
		const cli = switchboard(['tail', 'orchestrator.broadcast.>', '--json']);
		await until(() => cli.run.stderr.includes('Following'), 'tail to start', 15_000);
		await new Promise((resolve) => setTimeout(resolve, 300));
		const marker = unique();
		observer.publish(
			'orchestrator.broadcast.heartbeat',
			JSON.stringify(seedHeartbeat({ from_agent: `tailed-${marker}` }))
		);
		observer.publish('orchestrator.broadcast.question', `not json ${marker}`);
		await until(
			() => cli.run.stdout.split('\n').filter((l) => l.includes(marker)).length === 2,
			'both lines',
			10_000
		);
		cli.stop();
		await cli.done;
		const lines = cli.run.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l))
			.filter((l) => JSON.stringify(l).includes(marker));
		expect(lines[0]).toMatchObject({ valid: true, type: 'heartbeat', from: `tailed-${marker}` });
		expect(lines[1]).toMatchObject({ valid: false, problem: expect.stringMatching(/^payload is not JSON/) });
	});
});

describe('terminal safety', () => {
	// What a hostile agent puts in its name and messages: retitle the terminal, clear it, reorder text.
	const TITLE = '\u001b]0;pwned\u0007';
	const CLEAR = '\u001b[2J';
	const BIDI = '\u202e';
	const C1 = '\u009b';
	const raw = (text: string) => [TITLE, CLEAR, BIDI, C1, '\u001b'].some((c) => text.includes(c));

	it('tail and agents print no control sequence from the bus, in text or --json, and say what was there', async () => {
		const marker = unique();
		const hostile = `evil-${marker}${TITLE}${CLEAR}`;
		const tail = switchboard(['tail', 'orchestrator.broadcast.>']);
		const json = switchboard(['tail', 'orchestrator.broadcast.>', '--json']);
		await until(
			() => tail.run.stderr.includes('Following') && json.run.stderr.includes('Following'),
			'tails to start',
			15_000
		);
		await new Promise((resolve) => setTimeout(resolve, 300));
		observer.publish(
			'orchestrator.broadcast.heartbeat',
			JSON.stringify(
				seedHeartbeat({
					from_agent: hostile,
					timestamp: new Date().toISOString().replace('Z', ''),
					content: { status: 'alive', name: `Mallory ${BIDI}${C1}`, note: `${TITLE}${CLEAR}` }
				})
			)
		);
		await until(
			() => tail.run.stdout.includes(marker) && json.run.stdout.includes(marker),
			'the hostile line',
			10_000
		);
		const agents = await switchboard(['agents']).done;
		tail.stop();
		json.stop();
		await Promise.all([tail.done, json.done]);

		for (const out of [tail.run.stdout, json.run.stdout, agents.stdout]) expect(raw(out)).toBe(false);
		expect(tail.run.stdout).toContain(`evil-${marker}\\u{1b}]0;pwned\\u{7}\\u{1b}[2J`);
		expect(agents.stdout).toContain(`evil-${marker}`);
		// The JSON is still the same JSON: a parser reads back exactly what was sent.
		const line = json.run.stdout.split('\n').find((l) => l.includes(marker))!;
		expect(JSON.parse(line).body.from_agent).toBe(hostile);
		expect(line).toContain('\\u202e');
	});
});

describe('switchboard --help', () => {
	it('explains every command, with examples', async () => {
		const commands = [
			'ask',
			'agents',
			'tail',
			'send',
			'broadcast',
			'request',
			'steer',
			'demo',
			'mcp',
			'setup'
		];
		const helps = await Promise.all(commands.map((command) => switchboard([command, '--help']).done));
		helps.forEach(({ code, stdout }, i) => {
			expect(code, commands[i]).toBe(0);
			expect(stdout, commands[i]).toContain(`switchboard ${commands[i]}`);
			expect(stdout, commands[i]).toContain('Connection (every command):');
		});
		const main = await switchboard(['--help']).done;
		for (const command of commands) expect(main.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'mu'));
		const usage = await switchboard(['dance']).done;
		expect(usage.code).toBe(2);
		expect(usage.stderr).toContain('Unknown command "dance"');
	});
});

describe('switchboard setup', () => {
	it('on a new server: --check says what is missing and what to run; setup as admin creates it all, then finds it', async () => {
		const server = await startTestServer({ provision: false });
		try {
			const check = await switchboard(['setup', '--check'], { NATS_URL: server.natsUrl }).done;
			expect(check.code).toBe(1);
			expect(check.stdout).toContain('the stream SWITCHBOARD_ANSWERS missing');
			expect(check.stderr).toContain('npx switchboard setup');

			// Without the admin's credentials the server refuses, and setup says so for each stream.
			const anyone = await switchboard(['setup'], { NATS_URL: server.natsUrl }).done;
			expect(anyone.code).toBe(1);
			expect(anyone.stdout).toMatch(
				/the stream SWITCHBOARD_INBOX could not be set up: the server does not allow this login to send on \$JS\.API\.STREAM\.CREATE\.SWITCHBOARD_INBOX: .*NATS_USER=admin/u
			);

			const admin = { NATS_URL: server.natsUrl, NATS_USER: 'admin', NATS_PASSWORD: server.adminPassword };
			const created = await switchboard(['setup'], admin).done;
			expect(created.code).toBe(0);
			expect(created.stdout).toContain(
				'the stream SWITCHBOARD_ANSWERS created: max age 30 days, max bytes 256 MiB, max message size 96 KiB, messages per subject 1, discard policy new, discard new per subject on, deny delete on, deny purge on, replicas 1'
			);
			expect(created.stdout).toContain('the KV bucket switchboard_claims created');
			const again = await switchboard(['setup', '--json'], admin).done;
			expect(again.code).toBe(0);
			expect(JSON.parse(again.stdout).map((r: { outcome: string }) => r.outcome)).toEqual(
				STORAGE.map(() => 'found')
			);
		} finally {
			await server.stop();
		}
	});
});
