/** The MCP server as an MCP client sees it: `switchboard mcp` over stdio, a person answering in the console. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { record, until } from '../../tests/helpers/watching';
import { openHumanConsole, type HumanConsole } from '../../tests/helpers/human';

const natsUrl = inject('natsUrl');
const wsUrl = inject('wsUrl');
let human: HumanConsole;
let client: Client;

beforeAll(async () => {
	human = await openHumanConsole(wsUrl, 'Ada');
	client = new Client({ name: 'switchboard-test', version: '1.0.0' });
	await client.connect(
		new StdioClientTransport({
			command: process.execPath,
			args: ['bin/switchboard.js', 'mcp', '--name', 'claude-code'],
			env: { ...(process.env as Record<string, string>), NATS_URL: natsUrl },
			stderr: 'pipe'
		})
	);
}, 30_000);
afterAll(async () => {
	await client.close();
	await human.close();
});

describe('switchboard mcp', () => {
	it('offers ask_human and notify_humans, and the humans online as a resource', async () => {
		const { tools } = await client.listTools();
		expect(tools.map((t) => t.name).sort()).toEqual(['ask_human', 'notify_humans']);
		const ask = tools.find((t) => t.name === 'ask_human')!;
		expect(ask.inputSchema.required).toEqual(['question']);

		const { resources } = await client.listResources();
		expect(resources).toContainEqual(expect.objectContaining({ uri: 'switchboard://humans' }));
		const humans = await client.readResource({ uri: 'switchboard://humans' });
		const listed = JSON.parse((humans.contents[0] as { text: string }).text);
		expect(listed).toContainEqual({ id: human.identity.id, name: 'Ada' });
	});

	it('ask_human returns the answer a person gives in the browser', async () => {
		const question = `Use PostgreSQL or SQLite? ${Math.random().toString(36).slice(2, 7)}`;
		const calling = client.callTool({
			name: 'ask_human',
			arguments: { question, options: ['PostgreSQL', 'SQLite'], urgency: 'high', capability: ['databases'] }
		});
		const item = await human.waitFor(question, 15_000);
		expect(item).toMatchObject({
			options: ['PostgreSQL', 'SQLite'],
			urgency: 'high',
			capabilities: ['databases']
		});
		expect(item.from).toMatch(/^claude-code/);
		await human.inbox.answer(item, { text: 'PostgreSQL', choice: 'PostgreSQL' });
		const result = await calling;
		expect(result.isError).toBeFalsy();
		expect(result.content).toEqual([{ type: 'text', text: 'Ada answered: PostgreSQL' }]);
		expect(result.structuredContent).toEqual({
			answer: 'PostgreSQL',
			choice: 'PostgreSQL',
			answered_by: 'Ada'
		});
	});

	it('ask_human reports a timeout as a tool error the model can read', async () => {
		const result = await client.callTool({
			name: 'ask_human',
			arguments: { question: 'Anyone?', timeout_seconds: 1 }
		});
		expect(result.isError).toBe(true);
		expect(result.content).toEqual([
			{ type: 'text', text: expect.stringContaining('No human answered within 1 s') }
		]);
	});

	it('notify_humans broadcasts a status update', async () => {
		const nc = await connect({ servers: natsUrl });
		const seen = record(nc, 'orchestrator.broadcast.status_update');
		await nc.flush();
		await client.callTool({
			name: 'notify_humans',
			arguments: { message: 'Tests are green', status: 'completed' }
		});
		await until(() => seen.messages.some((m) => m.string().includes('Tests are green')), 'the broadcast');
		expect(seen.json().find((m) => JSON.stringify(m.body).includes('Tests are green'))!.body).toMatchObject({
			message_type: 'status_update',
			content: { status: 'completed', message: 'Tests are green' }
		});
		seen.stop();
		await nc.close();
	});
});
