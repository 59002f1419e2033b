/**
 * From a laptop to a team's hub: a person's own server (nats/leafnode.conf, `npm run leaf`) joins the
 * team's hub (nats/hub.conf) as a leaf node. An agent on the laptop asks; a person at a console on the
 * hub answers; the agent has the answer. Both sides see each other on the roster, and the storage
 * stays on the hub: the leaf runs no JetStream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../scripts/lib/ports.js';
import { leafPassword } from '../scripts/lib/settings.js';
import { SwitchboardAgent } from '../src/sdk';
import { openHumanConsole, type HumanConsole } from './helpers/human';
import { startTestServer, type TestServer } from './helpers/nats-server';
import { until } from './helpers/watching';

let hub: TestServer;
let leaf: TestServer;
let human: HumanConsole;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
	const leafPort = await findFreePort();
	hub = await startTestServer({ leafPort });
	const password = leafPassword(hub.settings);
	leaf = await startTestServer({
		hubUrl: `nats-leaf://leaf:${password}@127.0.0.1:${leafPort}`,
		provision: false
	});
	await until(async () => (await leafCount()) === 1, 'the leaf to join the hub', 15_000);
	// A person at a console on the hub, over WebSocket as in the browser.
	human = await openHumanConsole(hub.wsUrl, 'Grace');
});
afterAll(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	await human?.close();
	await leaf?.stop();
	await hub?.stop();
});

async function leafCount(): Promise<number> {
	const leafz = (await (await fetch(`${hub.monitorUrl}/leafz`)).json()) as { leafnodes?: number };
	return leafz.leafnodes ?? 0;
}

describe('a laptop’s server as a leaf of the team’s hub', () => {
	it('keeps no storage of its own: JetStream is the hub’s, in the domain "hub"', async () => {
		const leafVarz = (await (await fetch(`${leaf.monitorUrl}/varz`)).json()) as {
			jetstream?: { config?: unknown };
		};
		expect(leafVarz.jetstream?.config).toBeUndefined();
		const hubJsz = (await (await fetch(`${hub.monitorUrl}/jsz`)).json()) as {
			config?: { domain?: string };
			streams: number;
		};
		expect(hubJsz.config?.domain).toBe('hub');
		expect(hubJsz.streams).toBeGreaterThanOrEqual(4);
	});

	it('a question asked on the laptop is answered from a console on the hub', async () => {
		const agent = await SwitchboardAgent.connect({ servers: leaf.natsUrl, name: 'Laptop Builder' });
		cleanups.push(() => agent.close());
		const question = `Ship build 77 from the laptop? ${Date.now()}`;
		const asked = agent.ask(question, { options: ['yes', 'no'], timeoutMs: 30_000 });

		const item = await human.waitFor(question);
		expect(item.from).toBe(agent.identity.id);
		await human.answer(question, { text: 'yes', choice: 'yes' });

		const result = await asked;
		expect(result.answer).toBe('yes');
		expect(result.by.name).toBe('Grace');

		// A console on the laptop uses the hub's storage through the leaf: the question is answered there too.
		const local = await openHumanConsole(leaf.wsUrl, 'Linus');
		cleanups.push(() => local.close());
		await until(
			() => local.inbox.view.answered.some((entry) => entry.record.question.text === question),
			'the laptop’s console to find the answer in the hub’s storage'
		);
		expect(local.inbox.view.open.some((item) => item.text === question)).toBe(false);
	});

	it('both sides see each other on the roster', async () => {
		const agent = await SwitchboardAgent.connect({ servers: leaf.natsUrl, name: 'Laptop Watcher' });
		cleanups.push(() => agent.close());
		// The hub's person, from the laptop (the hub's stored presence, read through the leaf).
		await until(async () => {
			const roster = await agent.roster();
			return roster.has(human.identity.id);
		}, 'the hub’s person on the laptop’s roster');
		// The laptop's agent, from an agent on the hub.
		const onHub = await SwitchboardAgent.connect({
			servers: hub.natsUrl,
			name: 'Hub Observer',
			presence: false
		});
		cleanups.push(() => onHub.close());
		expect((await onHub.roster()).has(agent.identity.id)).toBe(true);
	});
});
