/**
 * The join form's page carries none of the console: its code loads while the join connects. A page
 * whose console cannot load (the server was updated under it, the network dropped) says so and what
 * to do, and a reload joins.
 */
import { expect, test, type Page } from '@playwright/test';
import { joinLink, wsUrl } from './env';

/** Every script the page fetched, by path. */
function scriptsFetched(page: Page): string[] {
	const scripts: string[] = [];
	page.on('request', (request) => {
		if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
	});
	return scripts;
}

test('the join form loads without the console; joining fetches it and shows the console', async ({
	page
}) => {
	const scripts = scriptsFetched(page);
	await page.goto(joinLink('Lazy Ada'));
	await expect(page.getByLabel('Server WebSocket URL')).toHaveValue(wsUrl);
	await page.waitForLoadState('networkidle');
	const firstPage = [...scripts];
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByText('Watching live:')).toBeVisible();
	await expect(page.getByRole('region', { name: 'Inbox' })).toBeVisible();
	const fetchedOnJoin = scripts.slice(firstPage.length);
	expect(fetchedOnJoin.length, 'scripts fetched on joining').toBeGreaterThan(0);
	expect(firstPage.filter((script) => fetchedOnJoin.includes(script))).toEqual([]);
});

test('on a slow network the form says it is joining until the console has arrived, and cannot be sent twice', async ({
	page
}) => {
	await page.goto(joinLink('Patient Ada'));
	await expect(page.getByLabel('Server WebSocket URL')).toHaveValue(wsUrl);
	await page.waitForLoadState('networkidle');
	// The console's scripts take two seconds; the server answers at once.
	await page.route('**/*.js', async (route) => {
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		await route.continue();
	});
	await page.getByRole('button', { name: 'Join' }).click();
	const joining = page.getByRole('button', { name: 'Joining…' });
	await expect(joining).toBeDisabled();
	// Connected by now, still waiting for the console: the form still says so.
	await page.waitForTimeout(1_000);
	await expect(joining).toBeDisabled();
	await expect(page.getByText('Watching live:')).toBeVisible({ timeout: 15_000 });
});

test('a console that cannot be loaded ends the join in words; a reload joins', async ({ page }) => {
	await page.goto(joinLink('Stranded Grace'));
	await expect(page.getByLabel('Server WebSocket URL')).toHaveValue(wsUrl);
	await page.waitForLoadState('networkidle');
	// From now on every script fails, as after a deploy that removed the old chunks.
	await page.route('**/*.js', (route) => route.abort('failed'));
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('alert')).toContainText(/^The console could not be loaded \(.+\)\./u);
	await expect(page.getByRole('alert')).toContainText(
		'Reload the page and join again; if Switchboard was just updated, the page you have is out of date.'
	);
	await expect(page.getByRole('button', { name: 'Join' })).toBeEnabled();
	await expect(page.getByText('Watching live:')).toHaveCount(0);

	await page.unroute('**/*.js');
	await page.reload();
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByText('Watching live:')).toBeVisible();
});
