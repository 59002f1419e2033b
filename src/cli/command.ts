/**
 * What every `switchboard` command shares: the connection options, a typed command definition
 * (options for node:util's parseArgs, help, run), and connecting as an agent for the command's life.
 */
import os from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isMessageType, makeAgentId, MESSAGE_TYPES, type MessageType } from '../lib/protocol';
import { SwitchboardAgent, type AgentOptions } from '../sdk';
import { UsageError } from './format';

export const EXIT = { ok: 0, failed: 1, usage: 2, timeout: 3, rejected: 4, noHuman: 5 } as const;

export const GLOBAL_OPTIONS = {
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

export const GLOBAL_HELP = `Connection (every command):
  -s, --server URL     NATS server, default $NATS_URL or nats://127.0.0.1:4222 (comma-separate several)
      --user, --password, --token, --creds FILE
                       credentials; default $NATS_USER, $NATS_PASSWORD, $NATS_TOKEN, $NATS_CREDS
      --name NAME      the name this agent goes by (default cli-<your user name>)
      --agent-id ID    its agent id (default derived from the name)
  -h, --help           help for the command`;

type Options = NonNullable<ParseArgsConfig['options']>;
type Config<O extends Options> = {
	args: string[];
	options: typeof GLOBAL_OPTIONS & O;
	allowPositionals: true;
	strict: true;
};

/** A command's parsed options, typed from its option table and the global one. */
export type Values<O extends Options> = ReturnType<typeof parseArgs<Config<O>>>['values'];
export type GlobalValues = Values<Record<never, never>>;

interface CommandText {
	name: string;
	/** How it is called, as the main help lists it: `ask "question"`. */
	synopsis: string;
	/** One line for the main help. */
	summary: string;
	/** The command's own help: usage, what it does, options, examples (the connection options follow). */
	help: string;
}

/** A command as written: its options table and a `run` that gets them typed. */
export interface CommandDefinition<O extends Options> extends CommandText {
	options: O;
	run(values: Values<O>, positionals: string[]): Promise<number>;
}

/** A command in the table: its text, and its arguments parsed into a ready run (parseArgs throws on bad usage). */
export interface Command extends CommandText {
	parse(args: string[]): { help: boolean; run: () => Promise<number> };
}

export function defineCommand<const O extends Options>(definition: CommandDefinition<O>): Command {
	const { options, run, ...text } = definition;
	return {
		...text,
		parse(args) {
			const { values, positionals } = parseArgs<Config<O>>({
				args,
				options: { ...GLOBAL_OPTIONS, ...options },
				allowPositionals: true,
				strict: true
			});
			// Every command has the global options; TypeScript cannot see that through the generic O.
			const { help } = values as GlobalValues;
			return { help: Boolean(help), run: () => run(values, positionals) };
		}
	};
}

/** The agent a command connects as: from the connection options, the environment and the user name. */
export function agentOptions(
	values: GlobalValues,
	presence = true,
	defaultName = `cli-${os.userInfo().username}`
): AgentOptions {
	const name = values.name ?? process.env.SWITCHBOARD_AGENT_NAME ?? defaultName;
	return {
		servers: values.server,
		name,
		id: values['agent-id'] ?? makeAgentId(name, () => 0).replace(/-0000$/u, ''),
		kind: 'external',
		user: values.user,
		pass: values.password,
		token: values.token,
		credsFile: values.creds,
		presence
	};
}

/** Runs `run` connected as the command's agent; Ctrl-C leaves the bus properly. */
export async function withAgent<T>(
	values: GlobalValues,
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

/** A message's content from the command line: a JSON object, or a usage error that shows one. */
export function parseContent(text: string | undefined): Record<string, unknown> {
	if (text === undefined) return {};
	try {
		const value: unknown = JSON.parse(text);
		if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
	} catch {
		// fall through
	}
	throw new UsageError(`The content must be a JSON object, like '{"status":"started"}'; got ${text}`);
}

/** One of the seed's message types, or a usage error that lists them. */
export function messageType(text: string | undefined): MessageType {
	if (!text) throw new UsageError('Give a message type.');
	if (!isMessageType(text))
		throw new UsageError(`"${text}" is not a message type. Use one of: ${MESSAGE_TYPES.join(', ')}`);
	return text;
}

/** A value that must be one of `choices`, or a usage error that names them. */
export function oneOf<const C extends string>(
	value: string | undefined,
	choices: readonly C[],
	option: string
): C | undefined {
	if (value === undefined) return undefined;
	if (!(choices as readonly string[]).includes(value)) {
		throw new UsageError(`${option} is ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}.`);
	}
	return value as C;
}
