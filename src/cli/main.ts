/**
 * `switchboard`: the bus from a shell. Ask a human and wait for the answer, see the roster, follow
 * the traffic, publish seed envelopes, run the demo crew, or serve MCP to an LLM agent.
 */
import os from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DemoCrew } from '../lib/agents/demo-crew';
import {
	EnvelopeError,
	MESSAGE_TYPES,
	TRAFFIC_SUBJECTS,
	decode,
	visibleControls,
	isMessageType,
	makeAgentId,
	summarize,
	type AgentMessage,
	type MessageType
} from '../lib/protocol';
import {
	agentState,
	applySightings,
	filterRoster,
	sightingOf,
	sinceText,
	type Roster
} from '../lib/roster/roster';
import {
	HOW_TO_PROVISION,
	StorageError,
	checkStorage,
	describeReport,
	provisionStorage,
	waitForJetStream
} from '../lib/storage';
import { serveMcp } from '../mcp/server';
import {
	AnswerRejectedError,
	AskTimeoutError,
	ConnectError,
	InvalidReplyError,
	NoHumanOnlineError,
	QuestionTooLargeError,
	RequestTimeoutError,
	SwitchboardAgent,
	type AgentOptions
} from '../sdk';
import { colour, parseDuration, plain, progress, safeJson, UsageError } from './format';

export const EXIT = { ok: 0, failed: 1, usage: 2, timeout: 3, rejected: 4, noHuman: 5 } as const;

const GLOBAL_OPTIONS = {
	server: { type: 'string', short: 's' },
	user: { type: 'string' },
	password: { type: 'string' },
	token: { type: 'string' },
	creds: { type: 'string' },
	name: { type: 'string' },
	'agent-id': { type: 'string' },
	json: { type: 'boolean' },
	help: { type: 'boolean', short: 'h' }
} as const satisfies ParseArgsConfig['options'];

const GLOBAL_HELP = `Connection (every command):
  -s, --server URL     NATS server, default $NATS_URL or nats://127.0.0.1:4222 (comma-separate several)
      --user, --password, --token, --creds FILE
                       credentials; default $NATS_USER, $NATS_PASSWORD, $NATS_TOKEN, $NATS_CREDS
      --name NAME      the name this agent goes by (default cli-<your user name>)
      --agent-id ID    its agent id (default derived from the name)
  -h, --help           help for the command`;

const HELP: Record<string, string> = {
	main: `switchboard — the agent bus from a shell

Usage: switchboard <command> [options]

Commands:
  ask "question"       ask a human and print the answer
  agents               who is on the bus (--watch to follow)
  tail [subject...]    follow the traffic, decoded
  send <to> <type> [content-json]         send a seed envelope to one agent
  broadcast <type> [content-json]         broadcast a seed envelope
  request <to> <type> [content-json]      the seed's request/reply; prints the reply envelope
  demo                 run the demo crew (three agents replaying the seed's Phase 1.1 flow)
  mcp                  serve MCP over stdio: ask_human and notify_humans for LLM agents
  setup                create or correct Switchboard's streams and bucket on a server (admin)

Run 'switchboard <command> --help' for a command's options and examples.

${GLOBAL_HELP}`,
	ask: `switchboard ask "question" [options]

Asks the humans on the bus and waits for an answer. The answer goes to stdout; progress (who is
online, who is on it) goes to stderr. The question is kept in the inbox even if nobody is online.

Options:
      --options a,b,c     one-click answers
      --fields JSON       a form: {"env":{"type":"string","enum":["staging","prod"],"required":true}}
      --urgency LEVEL     low, medium or high
      --context TEXT      what the human needs to know
      --to ID             ask one person (or agent) directly
      --team TEAM         ask a team
      --timeout DURATION  give up after 30s, 10m, 2h… (the question stays in the inbox)
      --deadline ISO      shown to the human as a countdown; also the timeout
      --id KEY            an idempotency key: run again with the same key to keep waiting
      --require-human     fail at once (exit 5) when nobody is online
      --json              print the whole answer envelope as JSON

Exit status: 0 answered, 3 timed out, 4 declined or rejected, 5 nobody online (--require-human),
1 could not connect or failed, 2 wrong usage.

Examples:
  switchboard ask "Deploy build 412?" --options yes,no --timeout 10m
  answer=$(switchboard ask "Which region?" --options eu-west-1,us-east-1) && deploy "$answer"
  switchboard ask "Release notes OK?" --id release-412 --json | jq .content.answer

${GLOBAL_HELP}`,
	agents: `switchboard agents [--watch] [--state online|stale|offline] [--json]

Lists every agent the bus knows of, from the presence history the server keeps (both seed dialects).

Examples:
  switchboard agents
  switchboard agents --watch
  switchboard agents --state online --json

${GLOBAL_HELP}`,
	tail: `switchboard tail [subject...] [--type TYPE] [--from AGENT] [--json]

Follows the traffic (default orchestrator.> and agent.>), decoded; invalid messages in red, with why.

Examples:
  switchboard tail
  switchboard tail 'orchestrator.broadcast.>' --type heartbeat
  switchboard tail --from coder-2.1-1733409000 --json

${GLOBAL_HELP}`,
	send: `switchboard send <to> <type> [content-json]

Sends a seed envelope to orchestrator.agent.<to>.<type>. Types: ${MESSAGE_TYPES.join(' ')}.

Example:
  switchboard send architect status_update '{"status":"in_progress","work_stream_id":"1.2"}'

${GLOBAL_HELP}`,
	broadcast: `switchboard broadcast <type> [content-json]

Broadcasts a seed envelope on orchestrator.broadcast.<type>.

Example:
  switchboard broadcast status_update '{"status":"completed","component":"task_model"}'

${GLOBAL_HELP}`,
	request: `switchboard request <to> <type> [content-json] [--timeout 5s]

The seed's request/reply: sends to orchestrator.agent.<to>.<type> and prints the reply envelope.

Example:
  switchboard request architect resource_request '{"resource":"task_model"}'

${GLOBAL_HELP}`,
	demo: `switchboard demo [--for DURATION]

Runs the demo crew from Node until Ctrl-C (or for the given time): an architect, a parser developer
and a decomposer replaying the seed's Phase 1.1 flow, asking the humans something now and then.

${GLOBAL_HELP}`,
	setup: `switchboard setup [--check]

Creates Switchboard's streams and KV bucket on the server, or brings them to Switchboard's settings,
and says for each what it created, found or changed. Run it once per server, as a user allowed to
manage streams (on npm start's server: user admin, password in <data folder>/admin-password).
npm start and npm run cluster run it themselves. Idempotent. Exit 1 when something could not be
set up; the answers stream is never changed (a different one is reported, to be removed by hand).

  --check              only compare, change nothing; exit 1 when anything is missing or differs

  NATS_USER=admin NATS_PASSWORD="$(cat data/admin-password)" switchboard setup
  switchboard setup --check

${GLOBAL_HELP}`,
	mcp: `switchboard mcp

Serves the Model Context Protocol over stdio, so an LLM agent can ask a person in the browser:
tools ask_human and notify_humans, and the resource switchboard://humans. Register it with your
MCP client as the command "npx switchboard mcp" (see README).

${GLOBAL_HELP}`
};

type Values = Record<string, string | boolean | undefined>;

function agentOptions(values: Values, presence = true): AgentOptions {
	const name =
		(values.name as string | undefined) ??
		process.env.SWITCHBOARD_AGENT_NAME ??
		`cli-${os.userInfo().username}`;
	return {
		servers: values.server as string | undefined,
		name,
		id: (values['agent-id'] as string | undefined) ?? makeAgentId(name, () => 0).replace(/-0000$/u, ''),
		kind: 'external',
		user: values.user as string | undefined,
		pass: values.password as string | undefined,
		token: values.token as string | undefined,
		credsFile: values.creds as string | undefined,
		presence
	};
}

function parseContent(text: string | undefined): Record<string, unknown> {
	if (text === undefined) return {};
	try {
		const value: unknown = JSON.parse(text);
		if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
	} catch {
		// fall through
	}
	throw new UsageError(`The content must be a JSON object, like '{"status":"started"}'; got ${text}`);
}

function messageType(text: string | undefined): MessageType {
	if (!text) throw new UsageError('Give a message type.');
	if (!isMessageType(text))
		throw new UsageError(`"${text}" is not a message type. Use one of: ${MESSAGE_TYPES.join(', ')}`);
	return text;
}

async function withAgent<T>(
	values: Values,
	presence: boolean,
	run: (agent: SwitchboardAgent) => Promise<T>,
	extra: Partial<AgentOptions> = {}
): Promise<T> {
	const agent = await SwitchboardAgent.connect({ ...agentOptions(values, presence), ...extra });
	const stop = () => void agent.close().finally(() => process.exit(EXIT.ok));
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
	try {
		return await run(agent);
	} finally {
		process.off('SIGINT', stop);
		process.off('SIGTERM', stop);
		await agent.close();
	}
}

async function askCommand(values: Values, positionals: string[]): Promise<number> {
	const question = positionals.join(' ').trim();
	if (!question) throw new UsageError('What is the question? switchboard ask "Deploy build 412?"');
	const urgency = values.urgency as string | undefined;
	if (urgency && !['low', 'medium', 'high'].includes(urgency))
		throw new UsageError('--urgency is low, medium or high.');
	const deadline = values.deadline ? new Date(values.deadline as string) : undefined;
	if (deadline && Number.isNaN(deadline.getTime()))
		throw new UsageError('--deadline is an ISO 8601 time, like 2026-11-21T18:00:00Z.');
	const waiting = {
		waitForServer: true,
		onWaitingForServer: (servers: string[]) =>
			progress(`No NATS server answers at ${servers.join(', ')} yet: waiting for it (Ctrl-C to stop)…`)
	};
	return withAgent(
		values,
		true,
		async (agent) => {
			progress(`Connected as ${agent.identity.id}.`);
			try {
				const result = await agent.ask(question, {
					options: values.options
						? String(values.options)
								.split(',')
								.map((o) => o.trim())
								.filter(Boolean)
						: undefined,
					fields: values.fields ? (parseContent(values.fields as string) as never) : undefined,
					urgency: urgency as 'low' | 'medium' | 'high' | undefined,
					context: values.context as string | undefined,
					to: values.to as string | undefined,
					team: values.team as string | undefined,
					id: values.id as string | undefined,
					deadline,
					timeoutMs: values.timeout ? parseDuration(values.timeout as string) : undefined,
					requireHuman: Boolean(values['require-human']),
					onProgress: (event) => {
						if (event.type === 'humans') {
							progress(
								event.online.length > 0
									? `${event.online.length} ${event.online.length === 1 ? 'person' : 'people'} online: ${event.online.map((h) => h.name).join(', ')}`
									: 'Nobody is online right now: the question waits in the inbox until someone answers.'
							);
						} else if (event.type === 'asked')
							progress(`Asked (question id ${event.questionId}). Waiting for an answer…`);
						else if (event.type === 'resumed')
							progress(`Already asked (question id ${event.questionId}). Waiting for the answer…`);
						else if (event.type === 'claimed') progress(`${event.by.name} is on it.`);
						else if (event.type === 'ignored') progress(`Ignored ${event.reason}.`);
						else progress('Released: waiting for someone else.');
					}
				});
				progress(`Answered by ${result.by.name}.`);
				process.stdout.write(
					values.json
						? `${safeJson(result.envelope ?? result, 2)}\n`
						: `${visibleControls(result.choice ?? result.answer, true)}\n`
				);
				return EXIT.ok;
			} catch (error) {
				if (error instanceof AnswerRejectedError) {
					if (values.json) process.stdout.write(`${safeJson(error.result.envelope ?? error.result, 2)}\n`);
					process.stderr.write(`${colour.red(error.message)}\n`);
					return EXIT.rejected;
				}
				if (error instanceof AskTimeoutError) {
					process.stderr.write(`${colour.yellow(error.message)}\n`);
					return EXIT.timeout;
				}
				if (error instanceof NoHumanOnlineError) {
					process.stderr.write(`${colour.yellow(error.message)}\n`);
					return EXIT.noHuman;
				}
				throw error;
			}
		},
		waiting
	);
}

function rosterLines(roster: Roster, state: string | undefined): string[] {
	const now = Date.now();
	const agents = filterRoster(roster, { state: (state ?? '') as never }, now);
	if (agents.length === 0) return [colour.dim('No agents seen in the last 10 minutes.')];
	const paintState = { online: colour.green, stale: colour.yellow, offline: colour.dim };
	return agents.map((a) => {
		const s = agentState(a, now);
		const extra = [a.kind, a.team ? `team ${a.team}` : '', a.workStream ? `work stream ${a.workStream}` : '']
			.filter(Boolean)
			.join(', ');
		return `${paintState[s](s.padEnd(7))} ${colour.bold(a.name)} ${colour.dim(a.id)}  ${plain(extra)}  ${colour.dim(`seen ${sinceText(a.lastSeen, now)}`)}`;
	});
}

async function agentsCommand(values: Values): Promise<number> {
	const state = values.state as string | undefined;
	if (state && !['online', 'stale', 'offline'].includes(state))
		throw new UsageError('--state is online, stale or offline.');
	return withAgent(values, false, async (agent) => {
		let roster = await agent.roster();
		const print = () => {
			if (values.json) {
				const now = Date.now();
				const list = filterRoster(roster, { state: (state ?? '') as never }, now).map((a) => ({
					...a,
					state: agentState(a, now)
				}));
				process.stdout.write(`${safeJson(list, 2)}\n`);
			} else {
				if (values.watch && process.stdout.isTTY) process.stdout.write('\u001b[2J\u001b[H');
				process.stdout.write(`${rosterLines(roster, state).join('\n')}\n`);
			}
		};
		print();
		if (!values.watch) return EXIT.ok;
		for (const subject of TRAFFIC_SUBJECTS) {
			agent.nc.subscribe(subject, {
				callback: (error, msg) => {
					if (error) return;
					const decoded = decode(msg.subject, msg.data);
					const sighting = sightingOf(decoded, msg.subject, Date.now());

					if (sighting) roster = applySightings(roster, [sighting]);
				}
			});
		}
		const timer = setInterval(print, 2_000);
		await agent.nc.closed();
		clearInterval(timer);
		return EXIT.ok;
	});
}

async function tailCommand(values: Values, positionals: string[]): Promise<number> {
	const subjects = positionals.length > 0 ? positionals : [...TRAFFIC_SUBJECTS];
	return withAgent(values, false, async (agent) => {
		progress(`Following ${subjects.join(', ')} — Ctrl-C to stop.`);
		for (const subject of subjects) {
			agent.nc.subscribe(subject, {
				callback: (error, msg) => {
					if (error) return;
					const decoded = decode(msg.subject, msg.data);
					const s = summarize(decoded, () => new TextDecoder().decode(msg.data.subarray(0, 4096)));
					if (values.type && s.type !== values.type) return;
					if (values.from && s.from !== values.from) return;
					if (values.json) {
						process.stdout.write(
							`${safeJson({ subject: msg.subject, valid: s.valid, problem: s.problem, type: s.type, from: s.from, to: s.to, body: decoded.ok ? (decoded.dialect === 'seed' ? decoded.envelope : decoded.payload.value) : s.preview })}\n`
						);
						return;
					}
					const time = new Date().toTimeString().slice(0, 8);
					const head = `${colour.dim(time)} ${s.valid ? colour.cyan(s.type) : colour.red(`${s.type} INVALID`)} ${colour.bold(s.from ?? '?')} → ${plain(s.to ?? '?')} ${colour.dim(msg.subject)}`;
					process.stdout.write(
						`${head}\n    ${s.problem ? `${colour.red(s.problem)} ` : ''}${plain(s.preview)}\n`
					);
				}
			});
		}
		await agent.nc.closed();
		return EXIT.ok;
	});
}

async function publishCommand(
	command: 'send' | 'broadcast' | 'request',
	values: Values,
	positionals: string[]
) {
	const [first, second, third] = positionals;
	return withAgent(values, false, async (agent) => {
		if (command === 'broadcast') {
			agent.broadcast(messageType(first), parseContent(second));
		} else {
			if (!first) throw new UsageError(`Who to? switchboard ${command} <agent-id> <type> [content-json]`);
			const type = messageType(second);
			if (command === 'send') agent.send(first, type, parseContent(third));
			else {
				const timeout = values.timeout ? parseDuration(values.timeout as string) : 5_000;
				const reply: AgentMessage = await agent.request(first, type, parseContent(third), timeout);
				process.stdout.write(`${safeJson(reply, 2)}\n`);
				return EXIT.ok;
			}
		}
		await agent.nc.flush();
		progress(`Sent.`);
		return EXIT.ok;
	});
}

async function demoCommand(values: Values): Promise<number> {
	return withAgent(values, false, async (agent) => {
		const crew = new DemoCrew(agent.nc, { kind: 'external' });
		await crew.start();
		progress(
			`Demo crew running: ${crew.members.map((m) => `${m.name} (${m.id})`).join(', ')}. Ctrl-C to stop.`
		);
		const stop = new Promise<void>((resolve) => {
			process.once('SIGINT', () => resolve());
			process.once('SIGTERM', () => resolve());
			if (values.for) setTimeout(resolve, parseDuration(values.for as string));
		});
		await stop;
		await crew.stop();
		progress('Demo crew left the bus.');
		return EXIT.ok;
	});
}

async function setupCommand(values: Values): Promise<number> {
	return withAgent(values, false, async (agent) => {
		await waitForJetStream(agent.nc, 10_000);
		const reports = values.check ? await checkStorage(agent.nc) : await provisionStorage(agent.nc);
		for (const report of reports) {
			const line = describeReport(report);
			const bad = ['missing', 'differs', 'failed'].includes(report.outcome);
			if (values.json) continue;
			process.stdout.write(`${bad ? colour.red(line) : line}\n`);
		}
		if (values.json)
			process.stdout.write(
				`${safeJson(
					reports.map((r) => ({ stream: r.spec.stream, outcome: r.outcome, details: r.details })),
					2
				)}\n`
			);
		const failed = reports.some((r) => ['missing', 'differs', 'failed'].includes(r.outcome));
		if (failed && values.check) progress(HOW_TO_PROVISION);
		return failed ? EXIT.failed : EXIT.ok;
	});
}

const COMMAND_OPTIONS: Record<string, ParseArgsConfig['options']> = {
	ask: {
		options: { type: 'string' },
		fields: { type: 'string' },
		urgency: { type: 'string' },
		context: { type: 'string' },
		to: { type: 'string' },
		team: { type: 'string' },
		timeout: { type: 'string' },
		deadline: { type: 'string' },
		id: { type: 'string' },
		'require-human': { type: 'boolean' }
	},
	agents: { watch: { type: 'boolean', short: 'w' }, state: { type: 'string' } },
	tail: { type: { type: 'string' }, from: { type: 'string' } },
	send: {},
	broadcast: {},
	request: { timeout: { type: 'string' } },
	demo: { for: { type: 'string' } },
	setup: { check: { type: 'boolean' } },
	mcp: {}
};

export async function main(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	if (!command || command === '--help' || command === '-h' || command === 'help') {
		process.stdout.write(`${HELP.main}\n`);
		return command ? EXIT.ok : EXIT.usage;
	}
	if (!(command in COMMAND_OPTIONS)) {
		process.stderr.write(`Unknown command "${command}".\n\n${HELP.main}\n`);
		return EXIT.usage;
	}
	let values: Values;
	let positionals: string[];
	try {
		({ values, positionals } = parseArgs({
			args: rest,
			options: { ...GLOBAL_OPTIONS, ...COMMAND_OPTIONS[command] },
			allowPositionals: true,
			strict: true
		}));
	} catch (error) {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP[command]}\n`);
		return EXIT.usage;
	}
	if (values.help) {
		process.stdout.write(`${HELP[command]}\n`);
		return EXIT.ok;
	}
	try {
		switch (command) {
			case 'ask':
				return await askCommand(values, positionals);
			case 'agents':
				return await agentsCommand(values);
			case 'tail':
				return await tailCommand(values, positionals);
			case 'send':
			case 'broadcast':
			case 'request':
				return await publishCommand(command, values, positionals);
			case 'demo':
				return await demoCommand(values);
			case 'setup':
				return await setupCommand(values);
			default:
				return await serveMcp(
					agentOptions({
						...values,
						name: (values.name as string | undefined) ?? `mcp-${os.userInfo().username}`
					})
				);
		}
	} catch (error) {
		if (error instanceof UsageError || error instanceof EnvelopeError) {
			process.stderr.write(`${colour.red(error.message)}\n\nSee: switchboard ${command} --help\n`);
			return EXIT.usage;
		}
		if (
			error instanceof ConnectError ||
			error instanceof RequestTimeoutError ||
			error instanceof InvalidReplyError ||
			error instanceof StorageError ||
			error instanceof QuestionTooLargeError
		) {
			process.stderr.write(`${colour.red(error.message)}\n`);
			return EXIT.failed;
		}
		process.stderr.write(
			`${colour.red(`switchboard ${command} failed: ${error instanceof Error ? error.message : String(error)}`)}\n`
		);
		return EXIT.failed;
	}
}
