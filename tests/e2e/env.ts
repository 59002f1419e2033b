/** Where the global setup started Switchboard. */
function required(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run the end-to-end tests with npm run test:e2e.`);
	return value;
}

export const appUrl = required('SWITCHBOARD_TEST_APP_URL');
export const wsUrl = required('SWITCHBOARD_TEST_WS_URL');
export const natsUrl = required('SWITCHBOARD_TEST_NATS_URL');

export const joinLink = (name: string) =>
	`${appUrl}/?server=${encodeURIComponent(wsUrl)}&name=${encodeURIComponent(name)}`;

/** Joins through the link and the form, as a person does; optional team and what they can help with. */
export async function joinAs(
	page: import('@playwright/test').Page,
	name: string,
	team?: string,
	capabilities?: string
) {
	const { expect } = await import('@playwright/test');
	await page.goto(joinLink(name));
	await expect(page.getByLabel('Server WebSocket URL')).toHaveValue(wsUrl);
	await expect(page.getByLabel('Display name')).toHaveValue(name);
	if (team) await page.getByLabel(/^Team/).fill(team);
	if (capabilities) await page.getByLabel(/^What you can help with/).fill(capabilities);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('status').first()).toContainText('connected');
	// Subscribed, as the server confirms: from here on nothing sent to the page is missed.
	await expect(page.getByText('Watching live:')).toBeVisible();
}

/**
 * Opens the composer from the keyboard. Above it, the shared inbox grows as stored questions load
 * and moves it down the page, so a click aimed a moment earlier can land on something else.
 */
export async function openComposer(page: import('@playwright/test').Page, me: string) {
	const { expect } = await import('@playwright/test');
	await page.getByText(`Compose a message as ${me}`).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('form', { name: 'Compose a message' })).toBeVisible();
}

/**
 * Chooses a radio button, or presses a button, from the keyboard. The composer sits below the live
 * inbox, which grows and reflows as questions arrive and names resolve: a click's press and release
 * can land on different things (seen in CI: the radio focused, not checked).
 */
export async function chooseByKeyboard(radio: import('@playwright/test').Locator) {
	const { expect } = await import('@playwright/test');
	await radio.press('Space');
	await expect(radio).toBeChecked();
}

export async function pressByKeyboard(button: import('@playwright/test').Locator) {
	await button.press('Enter');
}

/** Opens a raw WebSocket to `url` from the page's origin: 'open', or 'refused'. */
export function tryWebSocket(page: import('@playwright/test').Page, url: string): Promise<string> {
	return page.evaluate(
		(target) =>
			new Promise<string>((resolve) => {
				const ws = new WebSocket(target);
				ws.onopen = () => {
					ws.close();
					resolve('open');
				};
				ws.onerror = () => resolve('refused');
			}),
		url
	);
}

/**
 * An agent's roster entry, found as a person finds it: the list renders only the rows in view, so
 * with a busy bus the person searches first.
 */
export async function findAgent(page: import('@playwright/test').Page, search: string) {
	await page.getByRole('search', { name: 'Filter agents' }).getByRole('searchbox').fill(search);
	return page.getByRole('list', { name: 'Agents on the bus' }).getByRole('button', {
		// The whole id: coder-1 must not also find coder-1-b.
		name: new RegExp(`(?<![\\w-])${search.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}(?![\\w-])`, 'u')
	});
}

/**
 * Everything the page's live regions said from now on, in order, as a screen reader hears it. The
 * regions hold only the latest news: on the shared bus another test's blocker can replace a line
 * between its arrival and a look at the region.
 */
export async function listenToLiveRegions(
	page: import('@playwright/test').Page
): Promise<() => Promise<string[]>> {
	await page.evaluate(() => {
		const said: string[] = [];
		(window as unknown as { __said: string[] }).__said = said;
		for (const region of document.querySelectorAll('[aria-live]'))
			new MutationObserver(() => said.push(region.textContent ?? '')).observe(region, {
				childList: true,
				characterData: true,
				subtree: true
			});
	});
	return () => page.evaluate(() => [...(window as unknown as { __said: string[] }).__said]);
}
