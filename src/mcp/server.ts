/**
 * An MCP server over stdio, so an LLM coding agent that is blocked can ask a person in the browser:
 * `ask_human` waits for the human's answer, `notify_humans` broadcasts a status update, and the
 * resource `switchboard://humans` lists the people online. It is an agent on the bus like any other.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { FieldSchemaSchema } from '../lib/protocol';
import {
	AnswerRejectedError,
	AskTimeoutError,
	NoHumanOnlineError,
	SwitchboardAgent,
	type AgentOptions
} from '../sdk';

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

export function createMcpServer(agent: SwitchboardAgent): McpServer {
	const server = new McpServer({ name: 'switchboard', version: '0.1.0' });

	server.registerTool(
		'ask_human',
		{
			title: 'Ask a human',
			description:
				'Ask the people watching the agent bus a question and wait for their answer. Use it when you are blocked on a decision only a human can make. Offer options when the answer is one of a few choices.',
			inputSchema: {
				question: z.string().min(1).describe('The question, in one or two sentences.'),
				options: z.array(z.string()).optional().describe('One-click answers to offer.'),
				fields: z
					.record(z.string(), FieldSchemaSchema)
					.optional()
					.describe('A flat form: field name → {type, title, enum, required}.'),
				urgency: z.enum(['low', 'medium', 'high']).optional(),
				capability: z
					.array(z.string())
					.optional()
					.describe(
						'What the person answering must handle (deploy, databases): it reaches the people who do first.'
					),
				context: z.string().optional().describe('What the human needs to know to answer.'),
				timeout_seconds: z.number().positive().optional().describe('Give up after this many seconds.')
			},
			outputSchema: {
				answer: z.string(),
				choice: z.string().optional(),
				fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
				answered_by: z.string()
			}
		},
		async ({ question, options, fields, urgency, capability, context, timeout_seconds }) => {
			try {
				const result = await agent.ask(question, {
					options,
					fields,
					urgency,
					capability,
					context,
					timeoutMs: timeout_seconds ? timeout_seconds * 1000 : undefined
				});
				const structured = {
					answer: result.answer,
					...(result.choice !== undefined ? { choice: result.choice } : {}),
					...(result.fields !== undefined ? { fields: result.fields } : {}),
					answered_by: result.by.name
				};
				return { ...text(`${result.by.name} answered: ${result.answer}`), structuredContent: structured };
			} catch (error) {
				if (
					error instanceof AnswerRejectedError ||
					error instanceof AskTimeoutError ||
					error instanceof NoHumanOnlineError
				) {
					return { ...text(error.message), isError: true };
				}
				throw error;
			}
		}
	);

	server.registerTool(
		'notify_humans',
		{
			title: 'Tell the humans',
			description:
				'Broadcast a short status update to everyone on the bus (humans see it in Switchboard). Does not wait.',
			inputSchema: {
				message: z.string().min(1),
				status: z.string().optional().describe('in_progress, completed, blocked, … (default in_progress)')
			}
		},
		async ({ message, status }) => {
			agent.broadcast('status_update', { status: status ?? 'in_progress', message });
			await agent.nc.flush();
			return text('Sent to everyone on the bus.');
		}
	);

	server.registerResource(
		'humans',
		'switchboard://humans',
		{
			title: 'People online',
			description: 'The people on the bus right now, who can answer ask_human.',
			mimeType: 'application/json'
		},
		async (uri) => ({
			contents: [
				{
					uri: uri.href,
					mimeType: 'application/json',
					text: JSON.stringify(await agent.humansOnline(), null, 2)
				}
			]
		})
	);
	return server;
}

/** Runs until the client closes stdin; returns the exit code. */
export async function serveMcp(options: AgentOptions): Promise<number> {
	const agent = await SwitchboardAgent.connect(options);
	const server = createMcpServer(agent);
	const transport = new StdioServerTransport();
	const closed = new Promise<void>((resolve) => {
		transport.onclose = () => resolve();
		process.stdin.once('end', () => resolve());
	});
	await server.connect(transport);
	await closed;
	await server.close().catch(() => undefined);
	await agent.close();
	return 0;
}
