/** `switchboard setup`: create or check Switchboard's streams and bucket on a server (admin). */
import {
	checkStorage,
	describeReport,
	HOW_TO_PROVISION,
	provisionStorage,
	waitForJetStream
} from '../../lib/storage';
import { EXIT, defineCommand, withAgent } from '../command';
import { colour, progress, safeJson } from '../format';

const BAD = ['missing', 'differs', 'failed'];

export const setup = defineCommand({
	name: 'setup',
	synopsis: 'setup',
	summary: "create or correct Switchboard's streams and bucket on a server (admin)",
	help: `switchboard setup [--check]

Creates Switchboard's streams and KV bucket on the server, or brings them to Switchboard's settings,
and says for each what it created, found or changed. Run it once per server, as a user allowed to
manage streams (on npm start's server: user admin, password in <data folder>/admin-password).
npm start and npm run cluster run it themselves. Idempotent. Exit 1 when something could not be
set up; the answers stream is never changed (a different one is reported, to be removed by hand).

  --check              only compare, change nothing; exit 1 when anything is missing or differs

  NATS_USER=admin NATS_PASSWORD="$(cat data/admin-password)" switchboard setup
  switchboard setup --check`,
	options: { check: { type: 'boolean' } },
	async run(values) {
		return withAgent(values, false, async (agent) => {
			await waitForJetStream(agent.nc, 10_000);
			const reports = values.check ? await checkStorage(agent.nc) : await provisionStorage(agent.nc);
			if (values.json) {
				const list = reports.map((r) => ({ stream: r.spec.stream, outcome: r.outcome, details: r.details }));
				process.stdout.write(`${safeJson(list, 2)}\n`);
			} else {
				for (const report of reports) {
					const line = describeReport(report);
					process.stdout.write(`${BAD.includes(report.outcome) ? colour.red(line) : line}\n`);
				}
			}
			const failed = reports.some((r) => BAD.includes(r.outcome));
			if (failed && values.check) progress(HOW_TO_PROVISION);
			return failed ? EXIT.failed : EXIT.ok;
		});
	}
});
