/** `switchboard mcp`: serve MCP over stdio so an LLM agent can ask a person. */
import os from 'node:os';
import { agentOptions, defineCommand } from '../command';

export const mcp = defineCommand({
	name: 'mcp',
	synopsis: 'mcp',
	summary: 'serve MCP over stdio: ask_human and notify_humans for LLM agents',
	help: `switchboard mcp

Serves the Model Context Protocol over stdio, so an LLM agent can ask a person in the browser:
tools ask_human and notify_humans, and the resource switchboard://humans. Register it with your
MCP client as the command "npx switchboard mcp" (see README).`,
	options: {},
	async run(values) {
		// Loaded only for this command: the MCP SDK is the heaviest thing the CLI could load.
		const { serveMcp } = await import('../../mcp/server');
		return serveMcp(agentOptions(values, true, `mcp-${os.userInfo().username}`));
	}
});
