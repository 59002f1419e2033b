/**
 * The console by keyboard alone: moving between open questions, answering with Ctrl+Enter and
 * landing on the next one, the keyboard sheet, Escape, and focus that never falls to the page.
 */
import { expect, test, type Page } from '@playwright/test';
import { jsonBytes, seedQuestion, seedStatusUpdate } from '../../src/lib/protocol/fixtures';
import { appUrl } from './env';
import { ownBus } from './own-bus';

const own = ownBus('agents (test)');

const unique = () => Math.random().toString(36).slice(2, 7);

async function join(page: Page) {
	await page.goto(`${appUrl}/?server=${encodeURIComponent(own.server.wsUrl)}&name=Ada`);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByText('Watching live:')).toBeVisible();
}

function ask(from: string, question: string) {
	own.agent.publish(
		'orchestrator.broadcast.question',
		JSON.stringify(
			seedQuestion({
				from_agent: from,
				to_agent: null,
				content: { question },
				timestamp: new Date().toISOString().replace('Z', ''),
				correlation_id: `${from}-${Date.now()}`
			})
		)
	);
}

const card = (page: Page, from: string) =>
	page.getByRole('list', { name: 'Open questions' }).getByRole('article', { name: `${from} asks` });

test('j and k move between open questions; Ctrl+Enter answers, and the focus goes to the next one', async ({
	page
}) => {
	await join(page);
	const run = unique();
	const askers = ['first', 'second', 'third'].map((n) => `${n}-${run}`);
	const answers: string[] = [];
	const sub = own.agent.subscribe(`orchestrator.agent.${askers[0]}.answer`, {
		callback: (_e, msg) => void answers.push(msg.json<{ content: { answer: string } }>().content.answer)
	});
	await own.agent.flush();
	for (const [i, from] of askers.entries()) {
		ask(from, `Question ${i + 1} of ${run}?`);
		await expect(card(page, from)).toBeVisible();
	}

	await page.keyboard.press('j');
	await expect(card(page, askers[0])).toBeFocused();
	await page.keyboard.press('j');
	await expect(card(page, askers[1])).toBeFocused();
	await page.keyboard.press('k');
	await expect(card(page, askers[0])).toBeFocused();

	// Into the card's answer box by keyboard, write, Ctrl+Enter.
	const box = card(page, askers[0]).getByRole('textbox');
	await box.focus();
	await page.keyboard.type('eu-west-1');
	await page.keyboard.press('Enter'); // a new line, not a send
	await page.keyboard.type('(the usual)');
	await page.keyboard.press('Control+Enter');
	await expect.poll(() => answers).toEqual(['eu-west-1\n(the usual)']);
	await expect(card(page, askers[0])).toHaveCount(0);
	await expect(card(page, askers[1])).toBeFocused();
	sub.unsubscribe();
});

test('? opens the keyboard sheet, Escape closes it and a message’s detail; a focused row stays its message', async ({
	page
}) => {
	await join(page);
	await page.keyboard.press('?');
	const sheet = page.getByRole('dialog', { name: 'Keyboard' });
	await expect(sheet).toBeVisible();
	await expect(sheet).toContainText('next / previous open question');
	await page.keyboard.press('Escape');
	await expect(sheet).toBeHidden();

	const marker = unique();
	own.agent.publish(
		'orchestrator.broadcast.status_update',
		jsonBytes(seedStatusUpdate({ content: { status: `focused-${marker}` } }))
	);
	const row = page.getByRole('row').filter({ hasText: `focused-${marker}` });
	await row.focus();
	// New messages arrive above it while it has the focus.
	for (let n = 0; n < 5; n++)
		own.agent.publish(
			'orchestrator.broadcast.status_update',
			jsonBytes(seedStatusUpdate({ content: { status: `later-${marker}-${n}` } }))
		);
	await expect(page.getByRole('row').filter({ hasText: `later-${marker}-4` })).toBeVisible();
	await page.keyboard.press('Enter');
	const detail = page.getByRole('region', { name: /^Message/ });
	await expect(detail.getByLabel('Payload')).toContainText(`focused-${marker}`);
	await page.keyboard.press('Escape');
	await expect(detail).toHaveCount(0);
});

test('starting and stopping the demo crew keeps the focus on its button', async ({ page }) => {
	await join(page);
	const button = page.getByRole('button', { name: 'Start demo crew' });
	await button.focus();
	await page.keyboard.press('Enter');
	const stop = page.getByRole('button', { name: 'Stop demo crew' });
	await expect(stop).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('button', { name: 'Start demo crew' })).toBeFocused();
});
