/**
 * Provisioning Switchboard's storage as the server's admin, for `npm start` and `npm run cluster`:
 * the same code as `npx switchboard setup` (src/lib/storage), loaded through tsx like the CLI.
 */
import { tsImport } from 'tsx/esm/api';

/**
 * Connects as admin, waits for JetStream (a cluster elects its leader first), creates or corrects
 * every stream and bucket, and resolves with one line per stream. Rejects, in words, when something
 * could not be set up.
 * @param {{ servers: string[], password: string, tls?: { caFile: string } }} options
 * @returns {Promise<string[]>}
 */
export async function provisionAsAdmin({ servers, password, tls }) {
	const storage = await tsImport('../../src/lib/storage/index.ts', import.meta.url);
	const { connect } = await import('@nats-io/transport-node');
	const nc = await connect({ servers, user: 'admin', pass: password, name: 'switchboard setup', tls });
	try {
		await storage.waitForJetStream(nc);
		/** @type {Array<{ outcome: string }>} */
		const reports = await storage.provisionStorage(nc);
		const problems = reports.filter((r) => r.outcome === 'failed' || r.outcome === 'differs');
		if (problems.length) {
			throw new Error(
				`Switchboard's storage could not be set up:\n${problems.map((r) => `  ${storage.describeReport(r)}`).join('\n')}`
			);
		}
		return reports.map((r) => storage.describeReport(r));
	} finally {
		await nc.close();
	}
}
