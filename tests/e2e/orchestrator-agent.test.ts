/**
 * A real orchestrator agent in Python (tests/agents/orchestrator_agent.py, official nats-py client)
 * and a person in the app, in Chromium: what the card says when the agent stopped waiting, the
 * answer reaching it exactly once, and everything its receiver accepts shown.
 */
import { expect, test, type Page } from '@playwright/test';
import { pythonAgentPerTest } from './python-agent';
import { joinAs } from './env';

const unique = () => Math.random().toString(36).slice(2, 7);
const openQuestions = (page: Page) => page.getByRole('list', { name: 'Open questions' });

const coder = pythonAgentPerTest('coder-2.1');

test('an agent whose request() gave up after the seed’s 5 s: the card says so, and the answer reaches it once, where it listens', async ({
	page
}) => {
	test.setTimeout(60_000);
	await joinAs(page, `Ada ${unique()}`);
	const me = (await page.getByRole('banner').locator('.mono').first().textContent())!;
	const text = `Roll back release 7? ${unique()}`;
	coder.do({ do: 'request', to: me, type: 'question', content: { question: text, options: ['yes', 'no'] } });
	const card = openQuestions(page).getByRole('article', { name: `${coder.id} asks` });
	await expect(card).toContainText('waiting for a reply for');
	await coder.next('timeout', 1, 10_000);
	await expect(card).toContainText(`${coder.id} stopped waiting for the reply at`);
	await expect(card).toContainText(`the answer will go to orchestrator.agent.${coder.id}.answer`);

	// Cards far down a busy inbox get their answer form when scrolled to, as a person would.
	await card.scrollIntoViewIfNeeded();
	await card.getByRole('button', { name: 'no', exact: true }).click();
	await expect(card).toHaveCount(0);
	const handled = await coder.next('handled');
	expect(handled.message).toMatchObject({
		message_type: 'answer',
		content: { answer: 'no', question: text }
	});
	// Something later on its own subjects arrives; the answer did not come twice, nor as a reply.
	coder.do({ do: 'send', to: coder.id, type: 'status_update', content: { status: 'in_progress' } });
	await expect.poll(() => coder.handled('status_update').length).toBe(1);
	expect(coder.handled('answer')).toHaveLength(1);
	expect(coder.events.filter((e) => e.event === 'reply')).toHaveLength(0);
});

test('a critical question and a blocker with no work stream are in the inbox, the critical one first, each with what is unusual', async ({
	page
}) => {
	await joinAs(page, `Ada ${unique()}`);
	const critical = `Prod is down - roll back release 7? ${unique()}`;
	const blocker = `Waiting for API credentials ${unique()}`;
	coder.do({ do: 'broadcast', type: 'blocker', content: { blocker } });
	coder.do({ do: 'broadcast', type: 'question', content: { question: critical, urgency: 'critical' } });
	await expect(openQuestions(page)).toContainText(blocker);
	await expect(openQuestions(page)).toContainText(critical);
	// Above the blocker, which ranks at "medium" (other tests' questions may share this inbox).
	const order = await openQuestions(page).getByRole('article').allTextContents();
	const at = (text: string) => order.findIndex((card) => card.includes(text));
	expect(at(critical)).toBeLessThan(at(blocker));
	await expect(openQuestions(page).getByRole('article', { name: `${coder.id} asks` })).toContainText(
		'Unusual, shown anyway'
	);
	await expect(openQuestions(page).getByRole('article', { name: `${coder.id} is blocked` })).toContainText(
		'work_stream'
	);
});
