/** `switchboard demo`: the demo crew from Node. */
import { DemoCrew } from '../../lib/demo';
import { EXIT, defineCommand, withAgent } from '../command';
import { parseDuration, progress } from '../format';

export const demo = defineCommand({
	name: 'demo',
	synopsis: 'demo',
	summary: "run the demo crew (three agents replaying the seed's Phase 1.1 flow)",
	help: `switchboard demo [--for DURATION]

Runs the demo crew from Node until Ctrl-C (or for the given time): an architect, a parser developer
and a decomposer replaying the seed's Phase 1.1 flow, asking the humans something now and then.`,
	options: { for: { type: 'string' } },
	async run(values) {
		const runFor = values.for ? parseDuration(values.for) : null;
		return withAgent(values, false, async (agent) => {
			const crew = new DemoCrew(agent.nc, { kind: 'external' });
			await crew.start();
			progress(
				`Demo crew running: ${crew.members.map((m) => `${m.name} (${m.id})`).join(', ')}. Ctrl-C to stop.`
			);
			await new Promise<void>((resolve) => {
				process.once('SIGINT', () => resolve());
				process.once('SIGTERM', () => resolve());
				if (runFor !== null) setTimeout(resolve, runFor);
			});
			await crew.stop();
			progress('Demo crew left the bus.');
			return EXIT.ok;
		});
	}
});
