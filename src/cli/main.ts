/**
 * `switchboard`: the bus from a shell. Ask a human and wait for the answer, see the roster, follow
 * the traffic, publish seed envelopes, run the demo crew, or serve MCP to an LLM agent. Each command
 * is one entry of the table below (src/cli/commands/); this file parses, helps and reports errors.
 */
import { describeError } from '../lib/connection';
import { EnvelopeError } from '../lib/protocol';
import { StorageError } from '../lib/storage';
import { SwitchboardError } from '../sdk';
import { EXIT, GLOBAL_HELP, type Command } from './command';
import { agents } from './commands/agents';
import { ask } from './commands/ask';
import { demo } from './commands/demo';
import { mcp } from './commands/mcp';
import { broadcast, request, send } from './commands/publish';
import { setup } from './commands/setup';
import { steer } from './commands/steer';
import { tail } from './commands/tail';
import { colour, UsageError } from './format';

export { EXIT } from './command';

const COMMANDS: readonly Command[] = [ask, agents, tail, send, broadcast, request, steer, demo, mcp, setup];

const MAIN_HELP = `switchboard — the agent bus from a shell

Usage: switchboard <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.synopsis.padEnd(38)} ${c.summary}`).join('\n')}

Run 'switchboard <command> --help' for a command's options and examples.

${GLOBAL_HELP}`;

const helpOf = (command: Command) => `${command.help}\n\n${GLOBAL_HELP}`;

export async function main(argv: string[]): Promise<number> {
	const [name, ...args] = argv;
	if (!name || name === '--help' || name === '-h' || name === 'help') {
		process.stdout.write(`${MAIN_HELP}\n`);
		return name ? EXIT.ok : EXIT.usage;
	}
	const command = COMMANDS.find((c) => c.name === name);
	if (!command) {
		process.stderr.write(`Unknown command "${name}".\n\n${MAIN_HELP}\n`);
		return EXIT.usage;
	}
	let parsed: ReturnType<Command['parse']>;
	try {
		parsed = command.parse(args);
	} catch (error) {
		process.stderr.write(`${describeError(error)}\n\n${helpOf(command)}\n`);
		return EXIT.usage;
	}
	if (parsed.help) {
		process.stdout.write(`${helpOf(command)}\n`);
		return EXIT.ok;
	}
	try {
		return await parsed.run();
	} catch (error) {
		if (error instanceof UsageError || error instanceof EnvelopeError) {
			process.stderr.write(`${colour.red(error.message)}\n\nSee: switchboard ${name} --help\n`);
			return EXIT.usage;
		}
		// Switchboard's own errors say what failed and what to do already.
		if (error instanceof SwitchboardError || error instanceof StorageError) {
			process.stderr.write(`${colour.red(error.message)}\n`);
			return EXIT.failed;
		}
		process.stderr.write(`${colour.red(`switchboard ${name} failed: ${describeError(error)}.`)}\n`);
		return EXIT.failed;
	}
}
