import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect, test, type Page } from '@playwright/test';
import { jsonBytes, seedHeartbeat, voltaAnnounce, voltaHeartbeat } from '../../src/lib/protocol/fixtures';
import { joinAs, natsUrl } from './env';

let agent: NatsConnection;
test.beforeAll(async () => {
	agent = await connect({ servers: natsUrl, name: 'agents (test)' });
});
test.afterAll(() => agent.close());

const agents = (page: Page) => page.getByRole('list', { name: 'Agents on the bus' });
const agentCard = (page: Page, name: string | RegExp) => agents(page).getByRole('button', { name });
/**
 * Searches the roster first, as a person would: the list renders only the rows in view, and with
 * other tests' agents on the same bus (a fleet of 1,000 among them) a card may be far down it.
 */
async function findAgent(page: Page, search: string, name: string | RegExp) {
	await page.getByRole('search', { name: 'Filter agents' }).getByRole('searchbox').fill(search);
	return agentCard(page, name);
}
const unique = () => Math.random().toString(36).slice(2, 7);

test('two people in two browsers see each other on the roster', async ({ browser }) => {
	const ada = await browser.newContext();
	const grace = await browser.newContext();
	const adaPage = await ada.newPage();
	const gracePage = await grace.newPage();
	const [adaName, graceName] = [`Ada ${unique()}`, `Grace ${unique()}`];
	await joinAs(adaPage, adaName, 'platform');
	await joinAs(gracePage, graceName);

	await expect(await findAgent(adaPage, graceName, new RegExp(`${graceName}.*online`))).toContainText(
		'human'
	);
	await expect(await findAgent(gracePage, adaName, new RegExp(`${adaName}.*online`))).toContainText(
		'team platform'
	);
	await expect(await findAgent(adaPage, adaName, new RegExp(`${adaName} \\(you\\)`))).toBeVisible();

	// Leaving is seen at once, not after the 90 s rule.
	await gracePage.getByRole('button', { name: 'Leave' }).click();
	await expect(await findAgent(adaPage, graceName, new RegExp(`${graceName}.*offline`))).toBeVisible();
	await ada.close();
	await grace.close();
});

test('a reload keeps the same agent id', async ({ page }) => {
	const name = `Lin ${unique()}`;
	await joinAs(page, name);
	const id = await page.getByRole('banner').locator('.mono').first().textContent();
	expect(id).toMatch(/^lin-[a-z0-9]+-[a-z0-9]{4}$/);
	await page.reload();
	await joinAs(page, name);
	await expect(page.getByRole('banner')).toContainText(id!);
});

test('a seed agent with a dotted id and a Volta agent show up, with their details', async ({ page }) => {
	await joinAs(page, `Ada ${unique()}`);
	const seedId = `coder-2.1-${unique()}`;
	const voltaId = `volta-${unique()}`;
	agent.publish('orchestrator.broadcast.heartbeat', jsonBytes(seedHeartbeat({ from_agent: seedId })));
	agent.publish(
		'agent.announce',
		jsonBytes(voltaAnnounce({ id: voltaId, name: `Claude ${voltaId}`, capabilities: ['code', 'review'] }))
	);
	agent.publish(
		`agent.${voltaId}.heartbeat`,
		jsonBytes(voltaHeartbeat({ agentId: voltaId, timestamp: new Date().toISOString() }))
	);

	await expect(await findAgent(page, seedId, new RegExp(`${seedId}.*online`))).toContainText('external');
	const volta = await findAgent(page, voltaId, new RegExp(`Claude ${voltaId}`));
	await expect(volta).toContainText('code, review');

	await page.getByRole('search', { name: 'Filter agents' }).getByRole('searchbox').fill(seedId);
	await expect(agents(page).getByRole('listitem')).toHaveCount(1);
	await agentCard(page, new RegExp(seedId)).click();
	const detail = page.getByRole('region', { name: seedId });
	await expect(detail).toContainText('orchestrator');
	await expect(detail.getByRole('heading', { name: 'Recent messages' })).toBeVisible();
	await expect(detail).toContainText('orchestrator.broadcast.heartbeat');
});

test('a tab opened later sees who was on the bus before it, from the history the server keeps', async ({
	browser
}) => {
	// A console has been open (it makes sure the server keeps presence history), then an agent
	// heartbeats before the later tab exists: only that history can show it.
	const earlier = await browser.newPage();
	const bea = `Bea ${unique()}`;
	await joinAs(earlier, bea);
	// On the roster means announced, and a console announces once the history streams exist.
	await expect(await findAgent(earlier, bea, new RegExp(`${bea} \\(you\\)`))).toBeVisible();
	const id = `late-${unique()}`;
	agent.publish('orchestrator.broadcast.heartbeat', jsonBytes(seedHeartbeat({ from_agent: id })));
	await agent.flush();
	const page = await browser.newPage();
	await joinAs(page, `Ada ${unique()}`);
	// How fast is a benchmark's business (docs/benchmarks.md), not a timed test's.
	await expect(await findAgent(page, id, new RegExp(`${id}.*online`))).toBeVisible();
	await earlier.close();
	await page.close();
});

test('the demo crew starts as three agents in the page, and leaves when stopped', async ({ page }) => {
	await joinAs(page, `Ada ${unique()}`);
	// From the keyboard: above the button, the roster grows as the server's history loads and moves
	// it down the page, so a click aimed a moment earlier can land on something else.
	await page.getByRole('button', { name: 'Start demo crew' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('button', { name: 'Stop demo crew' })).toBeVisible();
	// Only the crew runs in a browser page: narrow the roster to them, as a person would.
	await page.getByLabel('Kind').selectOption('browser');
	const crewIds: string[] = [];
	for (const name of ['Architect', 'Parser developer', 'Decomposer']) {
		const card = agentCard(page, new RegExp(`^${name}.*online`));
		await expect(card).toContainText('in a browser');
		crewIds.push(/crew-[a-z-]+-[a-z0-9]+/.exec((await card.textContent()) ?? '')![0]);
	}
	// The crew is real traffic: the architect's task_complete and the parser's request/reply are on the bus.
	// Other tests share this bus: narrow the traffic to the crew, as a person would.
	await page.getByRole('search', { name: 'Filter the traffic' }).getByLabel('Text').fill('crew-');
	await expect(page.getByRole('row').filter({ hasText: 'task_complete' }).first()).toBeVisible({
		timeout: 15_000
	});
	await expect(page.getByRole('row').filter({ hasText: 'resource_request' }).first()).toBeVisible({
		timeout: 15_000
	});
	await expect(
		page.getByRole('row').filter({ hasText: 'resource_response task_model from crew-architect' }).first()
	).toBeVisible({
		timeout: 15_000
	});

	await page.getByRole('button', { name: 'Stop demo crew' }).click();
	await expect(page.getByRole('button', { name: 'Start demo crew' })).toBeVisible();
	// This crew, not one an earlier run left on the shared bus's history.
	for (const id of crewIds) await expect(agentCard(page, new RegExp(`offline ${id} `))).toBeVisible();
});

test('the heartbeat keeps its 30 s pace when the page’s own timers are throttled, as in a background tab', async ({
	page
}) => {
	test.setTimeout(60_000);
	// A background tab's long timers are held back (Chrome: once a minute after 5 hidden minutes).
	// Headless Chromium never hides a tab, so hold the page's long intervals back entirely: the
	// heartbeat must come from the worker's clock, which browsers do not throttle that way.
	await page.addInitScript(() => {
		const original = window.setInterval.bind(window);
		window.setInterval = ((handler: TimerHandler, ms?: number, ...args: unknown[]) =>
			(ms ?? 0) >= 1_000 ? 0 : original(handler, ms, ...args)) as typeof window.setInterval;
	});
	const name = `Bea ${unique()}`;
	const beats: number[] = [];
	const sub = agent.subscribe('orchestrator.broadcast.heartbeat', {
		callback: (_error, msg) => {
			const body = msg.json<{ from_agent: string; content: { name?: string } }>();
			if (body.content.name === name) beats.push(Date.now());
		}
	});
	await agent.flush();
	await joinAs(page, name);
	// The first heartbeat goes out on join; the second must follow about 30 s later.
	await expect.poll(() => beats.length, { timeout: 45_000, intervals: [1_000] }).toBeGreaterThanOrEqual(2);
	const gap = beats[1] - beats[0];
	expect(gap).toBeGreaterThan(25_000);
	expect(gap).toBeLessThan(35_000);
	sub.unsubscribe();
});

test('a fleet of 1,000 agents: only the rows in view exist, and search finds any one of them', async ({
	page
}) => {
	await joinAs(page, `Ada ${unique()}`);
	const fleet = `fleet-${unique()}`;
	for (let i = 0; i < 1_000; i++)
		agent.publish(
			'orchestrator.broadcast.heartbeat',
			jsonBytes(seedHeartbeat({ from_agent: `${fleet}-${i}` }))
		);
	await agent.flush();

	await page.getByPlaceholder('Search name, id, team, capability').fill(fleet);
	// Every one of them matches (the list says how many), yet only a screenful of rows exists.
	await expect(agents(page).getByRole('listitem').first()).toHaveAttribute('aria-setsize', '1000');
	const rendered = await agents(page).getByRole('listitem').count();
	expect(rendered).toBeGreaterThan(3);
	expect(rendered).toBeLessThan(60);

	await page.getByPlaceholder('Search name, id, team, capability').fill(`${fleet}-777`);
	await expect(agents(page).getByRole('listitem')).toHaveCount(1);
	await expect(agentCard(page, new RegExp(`${fleet}-777.*online`))).toBeVisible();
});

test('a row shows what an agent is doing (status and work stream, under either name); the detail follows the selection', async ({
	page
}) => {
	await joinAs(page, `Ada ${unique()}`);
	const tag = unique();
	const [blocked, busy] = [`coder-${tag}-a`, `coder-${tag}-b`];
	const status = (from: string, content: Record<string, unknown>) =>
		agent.publish(
			'orchestrator.broadcast.status_update',
			jsonBytes({
				from_agent: from,
				to_agent: null,
				message_type: 'status_update',
				content,
				timestamp: new Date().toISOString().replace('Z', ''),
				correlation_id: null
			})
		);
	status(blocked, { status: 'blocked', work_stream: '2.1' });
	status(busy, { status: 'in_progress', work_stream_id: '3.4' });
	agent.publish(
		`orchestrator.broadcast.heartbeat`,
		jsonBytes(seedHeartbeat({ from_agent: busy, timestamp: new Date().toISOString().replace('Z', '') }))
	);

	const rowA = await findAgent(page, tag, new RegExp(blocked));
	await expect(rowA).toContainText('work stream 2.1');
	await expect(rowA).toContainText('blocked');
	const rowB = agentCard(page, new RegExp(busy));
	await expect(rowB).toContainText('work stream 3.4');
	await expect(rowB).toContainText('in_progress');

	await rowA.click();
	await expect(page.getByRole('region', { name: blocked })).toContainText(
		'orchestrator.broadcast.status_update'
	);
	await rowB.click();
	const detail = page.getByRole('region', { name: busy });
	await expect(detail).toContainText('orchestrator.broadcast.heartbeat');
	await expect(page.getByRole('region', { name: blocked })).toHaveCount(0);
	// Only B's messages: A's "blocked" does not linger in the panel.
	await expect(detail.getByRole('list')).toContainText('in_progress');
	await expect(detail.getByRole('list')).not.toContainText('blocked');
});
