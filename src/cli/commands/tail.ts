/** `switchboard tail`: follow the traffic, decoded. */
import { decode, summarize, TRAFFIC_SUBJECTS } from '../../lib/protocol';
import { EXIT, defineCommand, withAgent } from '../command';
import { colour, plain, progress, safeJson } from '../format';

export const tail = defineCommand({
	name: 'tail',
	synopsis: 'tail [subject...]',
	summary: 'follow the traffic, decoded',
	help: `switchboard tail [subject...] [--type TYPE] [--from AGENT] [--json]

Follows the traffic (default orchestrator.> and agent.>), decoded; invalid messages in red, with why.

Examples:
  switchboard tail
  switchboard tail 'orchestrator.broadcast.>' --type heartbeat
  switchboard tail --from coder-2.1-1733409000 --json`,
	options: { type: { type: 'string' }, from: { type: 'string' } },
	async run(values, positionals) {
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
							const body = decoded.ok
								? decoded.dialect === 'seed'
									? decoded.envelope
									: decoded.payload.value
								: s.preview;
							process.stdout.write(
								`${safeJson({ subject: msg.subject, valid: s.valid, problem: s.problem, type: s.type, from: s.from, to: s.to, body })}\n`
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
});
