/**
 * A person whose tab is in the background: new questions are counted in the title exactly once each,
 * notified once each, a blocker beeps through one AudioContext, and clicking a notification brings
 * its card into view. Headless tabs always have focus, so this one loses it for real: Playwright's
 * focus emulation is switched off and another tab is brought to the front.
 */
import { expect, test, type Page } from '@playwright/test';
import { seedQuestion } from '../../src/lib/protocol/fixtures';
import { appUrl } from './env';
import { ownBus } from './own-bus';

const own = ownBus('blocked agents (test)');

function raise(from: string, kind: 'question' | 'blocker', text: string) {
	own.agent.publish(
		`orchestrator.broadcast.${kind}`,
		JSON.stringify(
			seedQuestion({
				from_agent: from,
				to_agent: null,
				message_type: kind,
				content: kind === 'question' ? { question: text } : { blocker: text, impact: 'high' },
				timestamp: new Date().toISOString().replace('Z', ''),
				correlation_id: `${from}-${Date.now()}-${Math.random()}`
			})
		)
	);
}

/** What the page asked of the browser: every Notification and AudioContext made, every tone played. */
const calls = (page: Page) =>
	page.evaluate(() => {
		const seen = (
			window as unknown as { __attention: { notifications: string[]; contexts: number; tones: number } }
		).__attention;
		return { notifications: [...seen.notifications], contexts: seen.contexts, tones: seen.tones };
	});

test('in a background tab: one count, one notification per question, one AudioContext, no runaway', async ({
	browser
}) => {
	const context = await browser.newContext();
	await context.grantPermissions(['notifications'], { origin: new URL(appUrl).origin });
	const page = await context.newPage();
	const errors: Error[] = [];
	page.on('pageerror', (error) => errors.push(error));
	// Counts what the page asks the browser for, and still does it (the real APIs run).
	await page.addInitScript(() => {
		const seen = { notifications: [] as string[], contexts: 0, tones: 0, last: null as Notification | null };
		(window as unknown as { __attention: typeof seen }).__attention = seen;
		const RealNotification = window.Notification;
		class CountedNotification extends RealNotification {
			constructor(title: string, options?: NotificationOptions) {
				super(title, options);
				seen.notifications.push(title);
				seen.last = this;
			}
		}
		window.Notification = CountedNotification as typeof Notification;
		const RealAudioContext = window.AudioContext;
		window.AudioContext = class extends RealAudioContext {
			constructor(options?: AudioContextOptions) {
				super(options);
				seen.contexts += 1;
			}
			createOscillator() {
				seen.tones += 1;
				return super.createOscillator();
			}
		} as typeof AudioContext;
	});
	await page.goto(`${appUrl}/?server=${encodeURIComponent(own.server.wsUrl)}&name=Ada`);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByText('Watching live:')).toBeVisible();
	await page.getByLabel('Sound for blockers').check();
	await expect(page).toHaveTitle('Switchboard — Ada');

	// The person switches to another tab: this one loses focus, as in a real browser.
	const cdp = await context.newCDPSession(page);
	await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
	const other = await context.newPage();
	await other.goto('about:blank');
	await other.bringToFront();
	await expect.poll(() => page.evaluate(() => document.hasFocus())).toBe(false);

	// Two questions and a blocker in one burst.
	raise('coder-1', 'question', 'Which region?');
	raise('coder-2', 'question', 'Squash the commits?');
	raise('deployer', 'blocker', 'Waiting for the staging credentials');
	await own.agent.flush();
	await expect(page).toHaveTitle('(3) Switchboard — Ada');
	// And it stays at 3: nothing counts itself up.
	await page.waitForTimeout(2_000);
	await expect(page).toHaveTitle('(3) Switchboard — Ada');
	expect(await calls(page)).toEqual({
		notifications: ['coder-1 asks', 'coder-2 asks', 'deployer is blocked'],
		contexts: 1,
		tones: 1
	});

	// A second blocker: a second tone from the same AudioContext.
	raise('deployer-2', 'blocker', 'The disk is full');
	await expect(page).toHaveTitle('(4) Switchboard — Ada');
	await expect.poll(async () => (await calls(page)).tones).toBe(2);
	expect((await calls(page)).contexts).toBe(1);

	// The person clicks the last notification: its card is brought into view, with the focus.
	await page.evaluate(() =>
		(window as unknown as { __attention: { last: Notification } }).__attention.last.dispatchEvent(
			new Event('click')
		)
	);
	const card = page.getByRole('article', { name: 'deployer-2 is blocked' });
	// (The tab is still behind the other one here, so "focused" means the page's active element.)
	await expect.poll(() => card.evaluate((element) => element === document.activeElement)).toBe(true);
	await expect(card).toBeInViewport();

	// Back on the tab: everything is seen.
	await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: true });
	await page.bringToFront();
	await page.evaluate(() => window.dispatchEvent(new FocusEvent('focus')));
	await expect(page).toHaveTitle('Switchboard — Ada');
	expect(errors).toEqual([]);
	await context.close();
});
