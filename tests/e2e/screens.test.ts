/**
 * The console on the screens people use: a phone, a dark theme, a screen reader's view. The bus is
 * a server of its own, so what the page shows is exactly what the test sent.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { jsonBytes, seedQuestion, seedStatusUpdate, voltaAnnounce } from '../../src/lib/protocol/fixtures';
import { appUrl, findAgent } from './env';
import { ownBus } from './own-bus';

const own = ownBus('agents (test)');

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1400, height: 900 };

function raise(from: string, kind: 'question' | 'blocker', text: string, to: string | null = null) {
	own.agent.publish(
		to ? `orchestrator.agent.${to}.${kind}` : `orchestrator.broadcast.${kind}`,
		JSON.stringify(
			seedQuestion({
				from_agent: from,
				to_agent: to,
				message_type: kind,
				content:
					kind === 'question'
						? { question: text, options: ['yes', 'no'], context: { build: 412, branch: 'main' } }
						: { blocker: text, impact: 'high' },
				timestamp: new Date().toISOString().replace('Z', ''),
				correlation_id: `${from}-${Date.now()}-${Math.random()}`
			})
		)
	);
}

async function join(page: Page, name = 'Ada'): Promise<string> {
	await page.goto(`${appUrl}/?server=${encodeURIComponent(own.server.wsUrl)}&name=${name}`);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByText('Watching live:')).toBeVisible();
	return (await page.getByRole('banner').locator('.mono').first().textContent())!;
}

test('on a phone the inbox comes first: the first question’s answer buttons are on the first screen, nothing is wider than it', async ({
	page
}) => {
	await page.setViewportSize(PHONE);
	const me = await join(page);
	raise('coder-7', 'question', 'Ship build 412?', me);
	const card = page.getByRole('article', { name: 'coder-7 asks' });
	await expect(card.getByRole('button', { name: 'yes' })).toBeInViewport();
	await expect(page.getByRole('region', { name: 'Inbox' })).toContainText('1 waiting · 1 for you');
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
	// The waiting count stays in sight while the person scrolls.
	await page.mouse.wheel(0, 600);
	await expect(page.getByText('1 waiting · 1 for you')).toBeInViewport();
});

test('a card names the agent as the roster does, and reads its context as lines, the JSON a click away', async ({
	page
}) => {
	await join(page);
	own.agent.publish(
		'agent.announce',
		jsonBytes(
			voltaAnnounce({ id: 'release-bot-1', name: 'Release Bot', timestamp: new Date().toISOString() })
		)
	);
	await expect(page.getByRole('list', { name: 'Agents on the bus' })).toContainText('Release Bot');
	raise('release-bot-1', 'question', 'Tag the release?');
	const card = page.getByRole('article', { name: 'Release Bot · release-bot-1 asks' });
	await expect(card).toBeVisible();
	const context = card.getByRole('definition');
	await expect(context).toHaveText(['412', 'main']);
	await expect(card.getByRole('term')).toHaveText(['build', 'branch']);
	await card.getByText('Context as JSON').click();
	await expect(card.locator('pre')).toContainText('"build": 412');
});

test('dark when the system is dark, light when the person says so, and remembered', async ({ page }) => {
	await page.emulateMedia({ colorScheme: 'dark' });
	await join(page);
	const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
	await expect.poll(background).toBe('rgb(15, 20, 25)');
	await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');
	await expect.poll(background).toBe('rgb(246, 247, 249)');
	await page.reload();
	await expect.poll(background).toBe('rgb(246, 247, 249)');
	await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('light');
});

test('a screen reader hears each new question once, a blocker at once, and never the traffic counter', async ({
	page
}) => {
	await join(page);
	const polite = page.locator('#news-polite[aria-live="polite"]');
	const urgent = page.locator('#news-urgent[aria-live="assertive"]');
	raise('coder-8', 'question', 'Rebase or merge?');
	await expect(polite).toHaveText('coder-8 asks: Rebase or merge?');
	raise('deployer-8', 'blocker', 'The staging database is down');
	await expect(urgent).toHaveText('deployer-8 is blocked: The staging database is down');
	// The traffic counter changes with every message: it is no live region.
	await expect(page.locator('[aria-live]').filter({ hasText: /messages? ·/ })).toHaveCount(0);
	// A skip link leads past the header to the inbox.
	await page.getByRole('link', { name: 'Skip to the inbox' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('region', { name: 'Inbox' })).toBeFocused();
});

test('before joining, the skip link leads to the form', async ({ page }) => {
	await page.goto(`${appUrl}/?server=${encodeURIComponent(own.server.wsUrl)}&name=Ada`);
	await page.getByRole('link', { name: 'Skip to joining' }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByLabel('Server WebSocket URL')).toBeFocused();
});

test('installable: the page links a web app manifest with icons', async ({ page, request }) => {
	await page.goto(appUrl);
	const href = await page.locator('link[rel="manifest"]').getAttribute('href');
	const response = await request.get(new URL(href!, appUrl).toString());
	expect(response.headers()['content-type']).toContain('application/manifest+json');
	const manifest = (await response.json()) as {
		name: string;
		display: string;
		icons: Array<{ src: string }>;
	};
	expect(manifest).toMatchObject({ name: 'Switchboard', display: 'standalone' });
	for (const icon of manifest.icons)
		expect((await request.get(new URL(icon.src, appUrl).toString())).ok()).toBe(true);
});

for (const [size, viewport] of Object.entries({ desktop: DESKTOP, phone: PHONE }))
	for (const scheme of ['light', 'dark'] as const)
		test(`no WCAG 2.1 A/AA violations (axe-core), ${size}, ${scheme}, with questions, a blocker and traffic`, async ({
			page
		}) => {
			await page.setViewportSize(viewport);
			await page.emulateMedia({ colorScheme: scheme });
			await page.goto(appUrl);
			const joinPage = await new AxeBuilder({ page })
				.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
				.analyze();
			expect(joinPage.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual(
				[]
			);

			const me = await join(page);
			raise(`coder-${size}-${scheme}`, 'question', 'Ship it?', me);
			raise(`ops-${size}-${scheme}`, 'blocker', 'Waiting for credentials');
			own.agent.publish('orchestrator.broadcast.status_update', jsonBytes(seedStatusUpdate()));
			own.agent.publish('orchestrator.broadcast.question', 'not json');
			await expect(page.getByRole('article', { name: `coder-${size}-${scheme} asks` })).toBeVisible();
			await expect(page.getByText(/\d+ invalid/)).toBeVisible();
			const results = await new AxeBuilder({ page })
				.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
				.analyze();
			expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
		});

test('on a phone, by keyboard only: an agent’s panel opens, its stop-task question is answered and taken back, nothing is wider than the screen, no WCAG violation', async ({
	page
}) => {
	await page.setViewportSize(PHONE);
	await join(page);
	own.agent.publish(
		'orchestrator.broadcast.status_update',
		jsonBytes(
			seedStatusUpdate({
				from_agent: 'steered-phone',
				content: { status: 'in_progress', work_stream_id: '7.1' },
				timestamp: new Date().toISOString().replace('Z', '')
			})
		)
	);
	// The roster draws only the rows in view, and the earlier tests' agents are on this bus too.
	const entry = await findAgent(page, 'steered-phone');
	await expect(entry).toContainText('work stream 7.1');
	raise('steered-phone', 'question', 'Which branch?');
	await entry.focus();
	await page.keyboard.press('Enter');
	const steer = page.getByRole('region', { name: 'Steer' });
	await steer.getByRole('button', { name: 'Stop task…' }).focus();
	await page.keyboard.press('Enter');
	const task = steer.getByRole('alertdialog').getByLabel('Task (work stream id)');
	await expect(task).toBeFocused();
	await expect(task).toHaveValue('7.1');
	await expect(page.getByRole('list', { name: 'Conversation with steered-phone' })).toContainText(
		'Which branch?'
	);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
	await page.keyboard.press('Escape');
	await expect(steer.getByRole('alertdialog')).toHaveCount(0);
	await expect(steer.getByRole('button', { name: 'Stop task…' })).toBeFocused();
});
