import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect, test, type Page } from '@playwright/test';
import { jsonBytes, seedStatusUpdate } from '../../src/lib/protocol/fixtures';
import { joinAs, joinLink, natsUrl, wsUrl } from './env';

let agent: NatsConnection;
test.beforeAll(async () => {
	agent = await connect({ servers: natsUrl, name: 'seed agent (test)' });
});
test.afterAll(async () => {
	await agent.close();
});

/** Fails the test on any uncaught error in the page. */
function watchErrors(page: Page): Error[] {
	const errors: Error[] = [];
	page.on('pageerror', (error) => errors.push(error));
	return errors;
}

test('a person joins by link and watches a seed agent’s broadcast live', async ({ page }) => {
	const errors = watchErrors(page);
	await joinAs(page, 'Ada');
	await expect(page.getByRole('banner')).toContainText('Ada');

	const workStream = `2.${Date.now()}`;
	agent.publish(
		'orchestrator.broadcast.status_update',
		jsonBytes(seedStatusUpdate({ content: { work_stream_id: workStream, status: 'started' } }))
	);

	// Other tests share this bus: narrow the list to this test's messages, as a person would.
	await page.getByRole('search', { name: 'Filter the traffic' }).getByLabel('Text').fill(workStream);
	const row = page.getByRole('row').filter({ hasText: workStream });
	await expect(row).toContainText('status_update');
	await expect(row).toContainText('coder-2.1-1733409000');
	await expect(row).toContainText('everyone');
	await expect(row).toContainText('orchestrator.broadcast.status_update');
	await expect(row).toContainText('started');
	await expect(row).not.toContainText('invalid');
	expect(errors).toEqual([]);
});

test('invalid bus traffic is listed as invalid, never rendered as markup, and the page keeps working', async ({
	page
}) => {
	const errors = watchErrors(page);
	await joinAs(page, 'Grace');

	const marker = `m${Date.now()}`;
	// Other tests share this bus: narrow the list to this test's messages, as a person would.
	await page.getByRole('search', { name: 'Filter the traffic' }).getByLabel('Text').fill(marker);
	agent.publish(
		'orchestrator.broadcast.question',
		`${marker} <img src=x onerror="window.__owned=1"><b id="injected">bold</b> not json`
	);
	const invalidRow = page.getByRole('row').filter({ hasText: marker });
	await expect(invalidRow).toContainText('invalid');
	await expect(invalidRow).toContainText('payload is not JSON');
	await expect(invalidRow).toContainText('<b id="injected">bold</b>');
	await expect(page.locator('#injected')).toHaveCount(0);
	expect(await page.evaluate(() => (window as { __owned?: number }).__owned)).toBeUndefined();

	agent.publish(
		'orchestrator.broadcast.status_update',
		jsonBytes(seedStatusUpdate({ content: { status: `after-${marker}` } }))
	);
	await expect(page.getByRole('row').filter({ hasText: `after-${marker}` })).toContainText('status_update');
	await expect(page.getByText(/\d+ invalid/)).toBeVisible();
	expect(errors).toEqual([]);
});

test('a wrong server URL gets an error that says what to do', async ({ page }) => {
	await page.goto(joinLink('Ada').replace(encodeURIComponent(wsUrl), encodeURIComponent('ws://127.0.0.1:1')));
	await page.getByRole('button', { name: 'Join' }).click();
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('Could not reach a NATS WebSocket listener at ws://127.0.0.1:1');
	await expect(alert).toContainText('npm start');
});

test('a TCP address is explained before anything is tried', async ({ page }) => {
	await page.goto(
		joinLink('Ada').replace(encodeURIComponent(wsUrl), encodeURIComponent('nats://127.0.0.1:4222'))
	);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('alert')).toContainText('a browser can only use its WebSocket listener');
});
