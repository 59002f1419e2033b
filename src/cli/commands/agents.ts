/** `switchboard agents`: who is on the bus, once or followed. */
import { decode, TRAFFIC_SUBJECTS } from '../../lib/protocol';
import {
	agentState,
	applySightings,
	filterRoster,
	sightingOf,
	sinceText,
	type AgentState,
	type Roster
} from '../../lib/roster';
import { EXIT, defineCommand, oneOf, withAgent } from '../command';
import { colour, plain, safeJson } from '../format';

const STATES = ['online', 'stale', 'offline'] as const satisfies readonly AgentState[];

function rosterLines(roster: Roster, state: AgentState | undefined): string[] {
	const now = Date.now();
	const agents = filterRoster(roster, { state }, now);
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

export const agents = defineCommand({
	name: 'agents',
	synopsis: 'agents',
	summary: 'who is on the bus (--watch to follow)',
	help: `switchboard agents [--watch] [--state online|stale|offline] [--json]

Lists every agent the bus knows of, from the presence history the server keeps (both seed dialects).

Examples:
  switchboard agents
  switchboard agents --watch
  switchboard agents --state online --json`,
	options: { watch: { type: 'boolean', short: 'w' }, state: { type: 'string' } },
	async run(values) {
		const state = oneOf(values.state, STATES, '--state');
		return withAgent(values, false, async (agent) => {
			let roster = await agent.roster();
			const print = () => {
				if (values.json) {
					const now = Date.now();
					const list = filterRoster(roster, { state }, now).map((a) => ({ ...a, state: agentState(a, now) }));
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
						const sighting = sightingOf(decode(msg.subject, msg.data), msg.subject, Date.now());
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
});
