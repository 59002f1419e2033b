/** `switchboard steer`: pause, resume, stop a task, give a new goal, or ping an agent, recorded in the audit trail. */
import { pingAgent, steerAgent, SteerError, type SteerTarget } from '../../lib/steering';
import type { SteeringCommand } from '../../lib/protocol';
import { EXIT, defineCommand, withAgent } from '../command';
import { progress, UsageError } from '../format';

const ORDERS: Record<string, SteeringCommand | 'ping'> = {
	pause: 'pause_agent',
	resume: 'resume_agent',
	stop: 'stop_task',
	goal: 'update_goal',
	ping: 'ping'
};

export const steer = defineCommand({
	name: 'steer',
	synopsis: 'steer <agent-id> pause|resume|stop|goal|ping',
	summary: 'steer an agent (recorded in the audit trail)',
	help: `switchboard steer <agent-id> <order> [--task ID] [--goal TEXT] [--reason TEXT] [--volta]

Sends an order to an agent in the orchestrator's own message types and records who gave it in the
audit trail (docs/protocol.md §9). The agent's next status_update shows the effect in every roster.

Orders:
  pause                pause_agent: it stops taking work until resumed
  resume               resume_agent
  stop --task ID       stop_task: ends the work on that work stream
  goal --goal TEXT     update_goal (--task ID when the goal is for one task)
  ping                 measures the round trip to the agent (prints it in ms)

Options:
  --task ID            the work stream id
  --goal TEXT          the new goal
  --reason TEXT        why, in your words (the agent is told)
  --volta              the agent speaks Volta Shell's protocol: send a command MCPMessage instead

Refused by the server (a login without the steering role under nats/secure.conf): exit 1, with why.

Examples:
  switchboard steer coder-2.1 pause --reason "cost review"
  switchboard steer coder-2.1 stop --task 2.1
  switchboard steer coder-2.1 goal --goal "Ship the parser first"`,
	options: {
		task: { type: 'string' },
		goal: { type: 'string' },
		reason: { type: 'string' },
		volta: { type: 'boolean' }
	},
	async run(values, [to, order]) {
		if (!to) throw new UsageError('Which agent? switchboard steer <agent-id> <order>');
		const command = order ? ORDERS[order] : undefined;
		if (!command)
			throw new UsageError(
				`Give an order: ${Object.keys(ORDERS).join(', ')}${order ? ` ("${order}" is none)` : ''}.`
			);
		return withAgent(values, false, async (agent) => {
			const target: SteerTarget = { id: to, name: to, dialect: values.volta ? 'volta' : 'seed' };
			const me = { id: agent.identity.id, name: agent.identity.name };
			try {
				if (command === 'ping') {
					const { roundTripMs } = await pingAgent(agent.nc, target, me);
					process.stdout.write(`${roundTripMs}\n`);
					progress(`Pong from ${to} in ${roundTripMs} ms.`);
				} else {
					const record = await steerAgent(
						agent.nc,
						target,
						{ command, task: values.task, goal: values.goal, reason: values.reason },
						me
					);
					progress(`${record.summary}. Recorded in the audit trail.`);
				}
				return EXIT.ok;
			} catch (error) {
				if (!(error instanceof SteerError)) throw error;
				process.stderr.write(`${error.message}\n`);
				return EXIT.failed;
			}
		});
	}
});
