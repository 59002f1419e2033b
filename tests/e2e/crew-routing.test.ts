/**
 * Routing questions between two people in two browsers, against a real server: one hands a question
 * over and the other answers it, both see the same after a reload; a snooze sets a question aside for
 * everyone until someone brings it back; an unanswered critical question from a real orchestrator
 * agent in Python is escalated, and the agent is told it still waits.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect, test, type Page } from '@playwright/test';
import { seedQuestion } from '../../src/lib/protocol/fixtures';
import { pythonWithNats, startPythonAgent } from '../helpers/python-agent';
import { findAgent, joinAs, listenToLiveRegions, natsUrl } from './env';

let agent: NatsConnection;
test.beforeAll(async () => {
	agent = await connect({ servers: natsUrl, name: 'asking agent (test)' });
});
test.afterAll(() => agent.close());

const unique = () => Math.random().toString(36).slice(2, 7);
const card = (page: Page, from: string) =>
	page.getByRole('list', { name: 'Open questions' }).getByRole('article', { name: `${from} asks` });

function ask(from: string, content: Record<string, unknown>) {
	agent.publish(
		'orchestrator.broadcast.question',
		JSON.stringify(
			seedQuestion({
				from_agent: from,
				to_agent: null,
				content,
				timestamp: new Date().toISOString().replace('Z', ''),
				correlation_id: `${from}-${Date.now() / 1000}`
			})
		)
	);
}

test('Ada hands a question to Grace, who handles deploys; Grace is told, answers it, and both see it after a reload', async ({
	page,
	browser
}) => {
	const grace = await (await browser.newContext()).newPage();
	try {
		const ada = `Ada ${unique()}`;
		const graceName = `Grace ${unique()}`;
		await joinAs(page, ada);
		await joinAs(grace, graceName, undefined, 'deploy, databases');
		const graceHeard = await listenToLiveRegions(grace);
		const from = `deployer-${unique()}`;
		ask(from, { question: 'Deploy build 412 to production?', capability: 'deploy', options: ['yes', 'no'] });

		// It names what Grace handles: for her, not for Ada.
		await expect(card(grace, from).getByText('for you', { exact: true })).toBeVisible();
		await expect(card(grace, from)).toContainText('for deploy');
		await expect(grace.getByText(/^\d+ waiting · \d+ for you/u)).toBeVisible();
		await expect(card(page, from)).toBeVisible();
		await expect(card(page, from).getByText('for you', { exact: true })).toHaveCount(0);

		// Newest last in a shared, busy inbox: scrolled to, as a person would (far off cards have no form).
		await card(page, from).scrollIntoViewIfNeeded();
		await card(page, from).getByRole('button', { name: 'Hand over…' }).click();
		const handing = card(page, from).getByRole('form', { name: 'Hand this question to a colleague' });
		await handing.getByLabel('To').selectOption({ label: graceName });
		await handing.getByLabel('Note').fill('you ran the last one');
		await handing.getByRole('button', { name: `Hand to ${graceName}` }).click();
		await expect(card(page, from)).toContainText(`Handed to ${graceName}: they are notified.`);
		await expect(card(page, from)).toContainText(`Handed to ${graceName} by ${ada}: “you ran the last one”`);
		await expect(card(grace, from)).toContainText(`${ada} handed this to you: “you ran the last one”`);
		// A screen reader hears it at once.
		await expect
			.poll(graceHeard)
			.toContainEqual(expect.stringContaining(`${ada} handed you ${from}’s question`));

		await card(grace, from).scrollIntoViewIfNeeded();
		await card(grace, from).getByRole('button', { name: 'yes' }).click();
		await expect(card(page, from)).toHaveCount(0);
		await expect(card(grace, from)).toHaveCount(0);

		for (const [p, name] of [
			[page, ada],
			[grace, graceName]
		] as const) {
			await p.reload();
			await joinAs(p, name);
			await p.getByText(/^History: \d+ answered$/u).click();
			await expect(p.getByRole('list', { name: 'Answered questions' })).toContainText(
				`${graceName} answered “yes”`
			);
			// The hand-over is in the asking agent's activity.
			await (await findAgent(p, from)).click();
			await expect(p.getByRole('list', { name: `What people did to ${from}` })).toContainText(
				`${ada} handed ${from}’s question to ${graceName}: you ran the last one`
			);
		}
	} finally {
		await grace.context().close();
	}
});

test('a snoozed question leaves everyone’s list, the agent is told nothing, and anyone can bring it back', async ({
	page,
	browser
}) => {
	const grace = await (await browser.newContext()).newPage();
	try {
		await joinAs(page, `Ada ${unique()}`);
		await joinAs(grace, `Grace ${unique()}`);
		const from = `rotator-${unique()}`;
		const heard: string[] = [];
		agent.subscribe(`orchestrator.agent.${from}.>`, {
			callback: (_e, msg) => {
				heard.push(msg.subject);
			}
		});
		ask(from, { question: 'Rotate the signing keys tonight?' });
		await card(page, from).scrollIntoViewIfNeeded();
		await card(page, from).getByRole('button', { name: 'Snooze…' }).click();
		const snoozing = card(page, from).getByRole('form', { name: 'Snooze this question' });
		await snoozing.getByLabel('Back in').selectOption({ label: '4 hours' });
		await snoozing.getByRole('button', { name: 'Snooze' }).click();
		await expect(card(page, from)).toHaveCount(0);
		await expect(card(grace, from)).toHaveCount(0);
		await grace.getByText(/^Snoozed: \d+$/u).click();
		const snoozed = grace
			.getByRole('list', { name: 'Snoozed questions' })
			.getByRole('listitem')
			.filter({ hasText: from });
		await expect(snoozed).toContainText('Rotate the signing keys tonight?');
		await expect(snoozed).toContainText('snoozed by Ada');
		// From the keyboard: the open list above it grows as other agents ask, and moves the button.
		await snoozed.getByRole('button', { name: 'Bring back now' }).focus();
		await grace.keyboard.press('Enter');
		await expect(snoozed).toHaveCount(0);
		await expect(card(page, from)).toBeVisible();
		await agent.flush();
		expect(heard).toEqual([]);
	} finally {
		await grace.context().close();
	}
});

test('an unanswered critical question from a Python orchestrator agent is escalated: it moves up for both people, both are told again, and the agent hears it still waits', async ({
	page,
	browser
}) => {
	test.setTimeout(90_000);
	pythonWithNats();
	const asker = `migrator-${unique()}`;
	const python = await startPythonAgent(natsUrl, asker);
	const grace = await (await browser.newContext()).newPage();
	try {
		python.do({ do: 'subscribe' });
		await python.next('subscribed');
		await joinAs(page, `Ada ${unique()}`);
		// Grace keeps the default times: Ada's earlier setting escalates for both of them.
		await joinAs(grace, `Grace ${unique()}`);
		const graceHeard = await listenToLiveRegions(grace);
		// Critical questions escalate after 15 s here (the person's own setting, kept in the browser).
		await page.getByText('Escalate unanswered questions after…').click();
		const times = page.getByRole('form', { name: 'When to escalate' });
		await times.getByLabel('critical').fill('0.25');
		await times.getByRole('button', { name: 'Save' }).click();

		python.do({
			do: 'broadcast',
			type: 'question',
			content: {
				question: 'Run the schema migration now?',
				urgency: 'critical',
				request_id: `mig-${unique()}`
			}
		});
		const question = card(page, asker);
		await expect(question).toBeVisible();
		await expect(question.getByText('escalated', { exact: true })).toHaveCount(0);
		await expect(question.getByText('escalated', { exact: true })).toBeVisible({ timeout: 40_000 });
		await expect(question).toContainText(`${asker} was told it still waits.`);
		await expect(
			page.getByRole('list', { name: 'Open questions' }).getByRole('article').first()
		).toHaveAccessibleName(`${asker} asks`);
		const notice = await python.next('handled');
		expect(notice.message).toMatchObject({
			message_type: 'status_update',
			content: { status: 'waiting_for_human', escalated: true }
		});
		await expect(card(grace, asker).getByText('escalated', { exact: true })).toBeVisible();
		await expect
			.poll(graceHeard)
			.toContainEqual(`Still unanswered, escalated: ${asker} asks: Run the schema migration now?`);
		// Once: the agent was told one time, whichever console escalated it.
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		expect(python.handled('status_update')).toHaveLength(1);
	} finally {
		await grace.context().close();
		await python.stop();
	}
});
