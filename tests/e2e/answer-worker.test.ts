/**
 * Answers leave from a worker with a connection of its own, so the server's acknowledgement of an
 * answer's record does not wait behind a flood the page is reading (the speed is in `npm run bench`).
 * Here: the answer reaches the agent from that connection, and a page that cannot load the worker
 * answers by itself, as before.
 */
import { expect, test, type Page } from '@playwright/test';
import { seedQuestion } from '../../src/lib/protocol/fixtures';
import { appUrl } from './env';
import { ownBus } from './own-bus';

const own = ownBus('blocked agent (test)');

const unique = () => Math.random().toString(36).slice(2, 7);

/** The server's view of the connections whose name starts with `prefix`: how many messages each sent. */
async function connectionsNamed(prefix: string): Promise<Array<{ name: string; in_msgs: number }>> {
	const connz = (await (await fetch(`${own.server.monitorUrl}/connz`)).json()) as {
		connections?: Array<{ name?: string; in_msgs: number }>;
	};
	return (connz.connections ?? [])
		.filter((c) => c.name?.startsWith(prefix))
		.map((c) => ({ name: c.name!, in_msgs: c.in_msgs }));
}

async function joinAndAnswer(page: Page, name: string, beforeAnswering = async () => {}) {
	await page.goto(
		`${appUrl}/?server=${encodeURIComponent(own.server.wsUrl)}&name=${encodeURIComponent(name)}`
	);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByText('Watching live:')).toBeVisible();
	const from = `coder-${unique()}`;
	const answered = new Promise<Record<string, unknown>>((resolve) =>
		own.agent.subscribe(`orchestrator.agent.${from}.answer`, {
			max: 1,
			callback: (_error, msg) => resolve(msg.json<{ content: Record<string, unknown> }>().content)
		})
	);
	await own.agent.flush();
	own.agent.publish(
		'orchestrator.broadcast.question',
		JSON.stringify(
			seedQuestion({
				from_agent: from,
				to_agent: null,
				content: { question: `Ship ${from}?`, options: ['yes', 'no'] },
				timestamp: new Date().toISOString().replace('Z', ''),
				correlation_id: `${from}-${Date.now()}`
			})
		)
	);
	const card = page
		.getByRole('list', { name: 'Open questions' })
		.getByRole('article', { name: `${from} asks` });
	await expect(card).toBeVisible();
	await beforeAnswering();
	await card.getByRole('button', { name: 'yes' }).click();
	expect(await answered).toMatchObject({ answer: 'yes' });
	// Answered for everyone: the card leaves the open list for the history.
	await expect(card).toHaveCount(0);
	await page.getByText(/History: \d+ answered/).click();
	await expect(page.getByRole('list', { name: 'Answered questions' })).toContainText(`Ship ${from}?`);
}

test('an answer reaches the agent from the answer worker’s own connection', async ({ page }) => {
	const name = `Ada ${unique()}`;
	// The worker starts with the first question (before, the page answers by itself).
	await joinAndAnswer(page, name, () =>
		expect.poll(async () => (await connectionsNamed(`switchboard: ${name} (answers)`)).length).toBe(1)
	);
	// The record and the answer itself: two messages, from the connection the worker opened.
	expect(await connectionsNamed(`switchboard: ${name} (answers)`)).toEqual([
		{ name: `switchboard: ${name} (answers)`, in_msgs: 2 }
	]);
});

test('a page that cannot load the answer worker answers by itself', async ({ page }) => {
	await page.route('**/answer-courier.worker-*.js', (route) => route.abort());
	const name = `Grace ${unique()}`;
	await joinAndAnswer(page, name);
	expect(await connectionsNamed(`switchboard: ${name} (answers)`)).toEqual([]);
	// The inbox's own connection sent it instead.
	const [inbox] = await connectionsNamed(`switchboard: ${name} (inbox)`);
	expect(inbox.in_msgs).toBeGreaterThanOrEqual(2);
});
