/**
 * A join link can name any server. One on another host than the page's gets the person's yes first,
 * with its address shown; listed servers are tried in their order. `elsewhere.test` is this
 * machine's server under another name (Chromium resolves it to 127.0.0.1), as another host would be.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import config from '../../playwright.config';
import { appUrl, wsUrl } from './env';

const port = new URL(wsUrl).port;
const elsewhere = `ws://elsewhere.test:${port}`;
const here = `ws://localhost:${port}`;

test.use({
	launchOptions: {
		...config.use?.launchOptions,
		args: [...(config.use?.launchOptions?.args ?? []), '--host-resolver-rules=MAP elsewhere.test 127.0.0.1']
	}
});

const linkTo = (servers: string) => `${appUrl}/?server=${encodeURIComponent(servers)}&name=Ada`;
const confirmation = (page: Page) =>
	page.getByRole('alertdialog', { name: 'Connect to a server on another host?' });
const connectedTo = (page: Page, server: string) =>
	expect(page.getByRole('status').first()).toContainText(`connected to ${new URL(server).host}`);

async function freshPage(browser: Browser) {
	const context = await browser.newContext();
	return context.newPage();
}

test('a link to a server on another host asks first, showing where; yes connects and is remembered', async ({
	page
}) => {
	await page.goto(linkTo(elsewhere));
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(confirmation(page)).toContainText(elsewhere);
	await expect(confirmation(page)).toContainText(`not to ${new URL(appUrl).host}`);
	// Nothing was sent there yet: still the join form.
	await expect(page.getByRole('heading', { name: 'Join the bus' })).toBeVisible();

	await confirmation(page).getByRole('button', { name: 'Don’t connect' }).click();
	await expect(confirmation(page)).toHaveCount(0);
	await expect(page.getByRole('heading', { name: 'Join the bus' })).toBeVisible();

	// From the keyboard: the dialog's Connect button has the focus.
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(
		confirmation(page).getByRole('button', { name: `Connect to elsewhere.test:${port}` })
	).toBeFocused();
	await page.keyboard.press('Enter');
	await connectedTo(page, elsewhere);

	// Agreed once on this device: the same link joins without asking.
	await page.getByRole('button', { name: 'Leave' }).click();
	await page.goto(linkTo(elsewhere));
	await page.getByRole('button', { name: 'Join' }).click();
	await connectedTo(page, elsewhere);
});

test('a server the person types is theirs, and the page’s own host never asks', async ({ browser }) => {
	const page = await freshPage(browser);
	await page.goto(`${appUrl}/?name=Ada`);
	await page.getByLabel('Server WebSocket URL').fill(elsewhere);
	await page.getByRole('button', { name: 'Join' }).click();
	await connectedTo(page, elsewhere);

	const other = await freshPage(browser);
	await other.goto(linkTo(here));
	await other.getByRole('button', { name: 'Join' }).click();
	await connectedTo(other, here);
	await page.context().close();
	await other.context().close();
});

test('a mixed list names only the other host, and the servers are tried in the order listed', async ({
	browser
}) => {
	for (const [servers, first] of [
		[`${here},${elsewhere}`, here],
		[`${elsewhere},${here}`, elsewhere]
	]) {
		const page = await freshPage(browser);
		await page.goto(linkTo(servers));
		await page.getByRole('button', { name: 'Join' }).click();
		await expect(confirmation(page)).toContainText(elsewhere);
		await expect(confirmation(page).locator('strong')).not.toContainText('localhost');
		await confirmation(page)
			.getByRole('button', { name: /^Connect to/ })
			.click();
		await connectedTo(page, first);
		await page.context().close();
	}
});
