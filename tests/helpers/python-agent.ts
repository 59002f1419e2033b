/**
 * A real orchestrator agent in Python (tests/agents/orchestrator_agent.py, on the official nats-py
 * client), driven a command at a time. The virtual environment is `.venv` in the repository: .ci/run
 * makes it; on a machine where it is missing, the first test that needs it makes it (python3 -m venv,
 * pip install nats-py), never installing anything globally.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { until } from './watching';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VENV = path.join(ROOT, '.venv');
const PYTHON = path.join(VENV, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');

/** The virtual environment's Python with nats-py, made if missing. Throws, saying what to do, when it cannot be. */
export function pythonWithNats(): string {
	const hasNats = () =>
		fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import nats'], { stdio: 'ignore' }).status === 0;
	if (hasNats()) return PYTHON;
	for (const [command, args] of [
		['python3', ['-m', 'venv', VENV]],
		[PYTHON, ['-m', 'pip', 'install', '--quiet', 'nats-py']]
	] as const) {
		const result = spawnSync(command, args, { encoding: 'utf8' });
		if (result.status !== 0)
			throw new Error(
				`Could not prepare the Python test agent's environment (${command} ${args.join(' ')}): ${result.stderr || result.error}. Install python3 and python3-venv, or run .ci/run.`
			);
	}
	if (!hasNats()) throw new Error('nats-py did not install into .venv: run .venv/bin/pip install nats-py.');
	return PYTHON;
}

export interface PythonEvent {
	event: string;
	message?: { message_type: string; content: Record<string, unknown>; correlation_id: string | null };
}

/** Starts the agent as `agentId` on `natsUrl`; resolves once it is connected. */
export async function startPythonAgent(natsUrl: string, agentId: string) {
	const child = spawn(
		pythonWithNats(),
		[path.join(ROOT, 'tests/agents/orchestrator_agent.py'), natsUrl, agentId],
		{
			stdio: ['pipe', 'pipe', 'pipe']
		}
	);
	const events: PythonEvent[] = [];
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	readline.createInterface({ input: child.stdout }).on('line', (line) => events.push(JSON.parse(line)));
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	const wait = (what: string, check: () => boolean, timeoutMs = 15_000) =>
		until(check, `${what} (the Python agent said: ${stderr.trim() || 'nothing on stderr'})`, timeoutMs);
	await wait('the Python agent to connect', () => events.some((e) => e.event === 'ready'));
	return {
		events,
		/** Sends one command (see the agent's docstring). */
		do(command: Record<string, unknown>) {
			child.stdin.write(`${JSON.stringify(command)}\n`);
		},
		/** Waits for the n-th event of a kind (1-based), and returns it. */
		async next(event: string, n = 1, timeoutMs?: number): Promise<PythonEvent> {
			await wait(
				`event "${event}" #${n}`,
				() => events.filter((e) => e.event === event).length >= n,
				timeoutMs
			);
			return events.filter((e) => e.event === event)[n - 1];
		},
		/** The messages its handler (subscribe_to_agent_messages) received of one type. */
		handled(type: string) {
			return events.filter((e) => e.event === 'handled' && e.message?.message_type === type);
		},
		async stop() {
			child.stdin.write(`${JSON.stringify({ do: 'quit' })}\n`);
			const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
			await exited;
			clearTimeout(timer);
		}
	};
}

export type PythonAgent = Awaited<ReturnType<typeof startPythonAgent>>;
