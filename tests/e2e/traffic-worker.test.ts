/**
 * The traffic view reads the bus on a connection of its own, in a worker: the page's main thread
 * and its main connection are left to what people do. Checked from the server's side (its list of
 * connections and their subscriptions), and by what the person sees.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect, test, type Page } from '@playwright/test';
import { jsonBytes, seedStatusUpdate } from '../../src/lib/protocol/fixtures';
import { findAgent, joinAs, monitorUrl, natsUrl } from './env';

let agent: NatsConnection;
test.beforeAll(async () => {
	agent = await connect({ servers: natsUrl, name: 'seed agent (test)' });
});
test.afterAll(() => agent.close());

interface Connection {
	name?: string;
	subscriptions_list?: string[];
}

/** The server's connections named for this person, by the part after their name ('' for the main one). */
async function connectionsOf(name: string): Promise<Map<string, string[]>> {
	const response = await fetch(`${monitorUrl}/connz?subs=1&limit=1024`);
	const { connections } = (await response.json()) as { connections: Connection[] };
	const mine = new Map<string, string[]>();
	for (const connection of connections) {
		const match = connection.name?.match(/^switchboard: (.+?)(?: \((inbox|traffic)\))?$/u);
		if (match?.[1] === name) mine.set(match[2] ?? '', connection.subscriptions_list ?? []);
	}
	return mine;
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function showsStatus(page: Page, from: string, workStream: string) {
	agent.publish(
		'orchestrator.broadcast.status_update',
		jsonBytes(
			seedStatusUpdate({ from_agent: from, content: { work_stream_id: workStream, status: 'started' } })
		)
	);
	await page.getByRole('search', { name: 'Filter the traffic' }).getByLabel('Text').fill(workStream);
	await expect(page.getByRole('row').filter({ hasText: workStream })).toContainText('status_update');
	// The roster hears it too, and what it says.
	await expect(await findAgent(page, from)).toContainText(workStream);
}

test('the traffic view reads on a connection of its own; the page’s own carries none of it, and the roster still hears everyone', async ({
	page
}) => {
	const name = `Ada ${unique()}`;
	await joinAs(page, name);
	await expect
		.poll(async () => [...(await connectionsOf(name)).keys()].sort())
		.toEqual(['', 'inbox', 'traffic']);
	const connections = await connectionsOf(name);
	expect(connections.get('traffic')).toEqual(expect.arrayContaining(['orchestrator.>', 'agent.>']));
	expect(connections.get('')).not.toContain('orchestrator.>');
	expect(connections.get('')).not.toContain('agent.>');

	// The person's own announce was heard: the join waited for the worker's subscriptions.
	await expect(await findAgent(page, name)).toBeVisible();
	await showsStatus(page, `worker-${unique()}`, `7.${unique()}`);
	// Junk on a routine subject is decoded in the worker and counted as invalid on the page.
	const invalidCount = async () => {
		const shown = page.getByText(/^\d+ invalid$/u);
		return (await shown.count()) === 0 ? 0 : Number((await shown.first().textContent())?.match(/\d+/u)?.[0]);
	};
	const before = await invalidCount();
	agent.publish('orchestrator.broadcast.heartbeat', 'not json at all');
	await expect.poll(invalidCount).toBeGreaterThan(before);

	// Leaving closes all three.
	await page.getByRole('button', { name: 'Leave' }).click();
	await expect.poll(async () => (await connectionsOf(name)).size).toBe(0);
});

test('a traffic worker that cannot load leaves the page reading the traffic itself', async ({ page }) => {
	await page.route(/traffic\.worker/u, (route) => route.abort());
	const name = `Grace ${unique()}`;
	await joinAs(page, name);
	const connections = await connectionsOf(name);
	expect([...connections.keys()].sort()).toEqual(['', 'inbox']);
	expect(connections.get('')).toEqual(expect.arrayContaining(['orchestrator.>', 'agent.>']));
	await showsStatus(page, `fallback-${unique()}`, `8.${unique()}`);
});
