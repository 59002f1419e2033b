/** `switchboard send`, `broadcast` and `request`: seed envelopes from the shell. */
import { MESSAGE_TYPES } from '../../lib/protocol';
import type { SwitchboardAgent } from '../../sdk';
import { EXIT, defineCommand, messageType, parseContent, withAgent, type GlobalValues } from '../command';
import { parseDuration, progress, safeJson, UsageError } from '../format';

const whoTo = (command: string, to: string | undefined): string => {
	if (!to) throw new UsageError(`Who to? switchboard ${command} <agent-id> <type> [content-json]`);
	return to;
};

/** Publishes as the command's agent, and says so once the server has it. */
const published = (values: GlobalValues, publish: (agent: SwitchboardAgent) => void) =>
	withAgent(values, false, async (agent) => {
		publish(agent);
		await agent.nc.flush();
		progress('Sent.');
		return EXIT.ok;
	});

export const send = defineCommand({
	name: 'send',
	synopsis: 'send <to> <type> [content-json]',
	summary: 'send a seed envelope to one agent',
	help: `switchboard send <to> <type> [content-json]

Sends a seed envelope to orchestrator.agent.<to>.<type>. Types: ${MESSAGE_TYPES.join(' ')}.

Example:
  switchboard send architect status_update '{"status":"in_progress","work_stream_id":"1.2"}'`,
	options: {},
	async run(values, [to, type, content]) {
		return published(values, (agent) =>
			agent.send(whoTo('send', to), messageType(type), parseContent(content))
		);
	}
});

export const broadcast = defineCommand({
	name: 'broadcast',
	synopsis: 'broadcast <type> [content-json]',
	summary: 'broadcast a seed envelope',
	help: `switchboard broadcast <type> [content-json]

Broadcasts a seed envelope on orchestrator.broadcast.<type>.

Example:
  switchboard broadcast status_update '{"status":"completed","component":"task_model"}'`,
	options: {},
	async run(values, [type, content]) {
		return published(values, (agent) => agent.broadcast(messageType(type), parseContent(content)));
	}
});

export const request = defineCommand({
	name: 'request',
	synopsis: 'request <to> <type> [content-json]',
	summary: "the seed's request/reply; prints the reply envelope",
	help: `switchboard request <to> <type> [content-json] [--timeout 5s]

The seed's request/reply: sends to orchestrator.agent.<to>.<type> and prints the reply envelope.

Example:
  switchboard request architect resource_request '{"resource":"task_model"}'`,
	options: { timeout: { type: 'string' } },
	async run(values, [to, type, content]) {
		return withAgent(values, false, async (agent) => {
			const timeout = values.timeout ? parseDuration(values.timeout) : 5_000;
			const reply = await agent.request(
				whoTo('request', to),
				messageType(type),
				parseContent(content),
				timeout
			);
			process.stdout.write(`${safeJson(reply, 2)}\n`);
			return EXIT.ok;
		});
	}
});
