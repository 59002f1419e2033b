import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect, test, type Page } from '@playwright/test';
import { seedQuestion } from '../../src/lib/protocol/fixtures';
import { joinAs, natsUrl } from './env';

let agent: NatsConnection;
test.beforeAll(async () => {
	agent = await connect({ servers: natsUrl, name: 'blocked agent (test)' });
});
test.afterAll(() => agent.close());

const unique = () => Math.random().toString(36).slice(2, 7);
const openQuestions = (page: Page) => page.getByRole('list', { name: 'Open questions' });
const card = (page: Page, heading: string) => openQuestions(page).getByRole('article', { name: heading });

function ask(
	subject: string,
	from: string,
	content: Record<string, unknown>,
	correlationId: string | null = null
) {
	return JSON.stringify(
		seedQuestion({
			from_agent: from,
			to_agent: null,
			content,
			timestamp: new Date().toISOString().replace('Z', ''),
			correlation_id: correlationId ?? `${from}-${Date.now() / 1000}`
		})
	);
}

test('a blocked seed agent asks by request/reply; a person answers with one click; the agent gets it', async ({
	page
}) => {
	await joinAs(page, `Ada ${unique()}`);
	const me = (await page.getByRole('banner').locator('.mono').first().textContent())!;
	const from = `coder-2.1-${unique()}`;
	const pending = agent.request(
		`orchestrator.agent.${me}.question`,
		ask(`orchestrator.agent.${me}.question`, from, {
			question: 'Deploy build 412?',
			urgency: 'high',
			options: ['yes', 'no'],
			// An asker that waits longer than the seed's 5 s says so (docs/protocol.md §6.3).
			timeout_seconds: 20
		}),
		{ timeout: 20_000 }
	);
	const question = card(page, `${from} asks`);
	await expect(question).toContainText('Deploy build 412?');
	await expect(question).toContainText('to you');
	await expect(question).toContainText('high');
	await expect(page).toHaveTitle(/Switchboard/);

	await question.getByRole('button', { name: 'yes' }).click();
	const reply = (await pending).json<{ message_type: string; content: Record<string, unknown> }>();
	expect(reply.message_type).toBe('answer');
	expect(reply.content).toMatchObject({ answer: 'yes', choice: 'yes' });

	await expect(question).toHaveCount(0);
	await page.getByText(/History: \d+ answered/).click();
	await expect(page.getByRole('list', { name: 'Answered questions' })).toContainText('Deploy build 412?');
});

test('two people race to answer: one answer reaches the agent, the other person is told who answered', async ({
	browser
}) => {
	const [adaContext, graceContext] = [await browser.newContext(), await browser.newContext()];
	const [ada, grace] = [await adaContext.newPage(), await graceContext.newPage()];
	await joinAs(ada, `Ada ${unique()}`);
	const graceName = `Grace ${unique()}`;
	await joinAs(grace, graceName);

	const from = `racer-${unique()}`;
	const answers: string[] = [];
	const sub = agent.subscribe(`orchestrator.agent.${from}.answer`, {
		callback: (_e, msg) => {
			answers.push(msg.json<{ content: { answer: string } }>().content.answer);
		}
	});
	await agent.flush();
	agent.publish(
		'orchestrator.broadcast.question',
		ask('orchestrator.broadcast.question', from, { question: 'Which region?' })
	);

	// Far down a busy shared inbox a card has no controls until it comes near: both scroll to it.
	await card(ada, `${from} asks`).scrollIntoViewIfNeeded();
	await card(grace, `${from} asks`).scrollIntoViewIfNeeded();
	// Grace says she is on it; Ada sees that live.
	await card(grace, `${from} asks`).getByRole('button', { name: 'I’m on it' }).click();
	await expect(card(ada, `${from} asks`)).toContainText(`${graceName} is on it.`);

	// Both send at the same moment. The loser's card may already be gone when its click comes:
	// then that person simply sees the question answered. The click is dispatched in the page, so a
	// click that lands did reach the button (a pointer click can land where the card just was).
	await card(ada, `${from} asks`).getByRole('textbox').fill('eu-west-1');
	await card(grace, `${from} asks`).getByRole('textbox').fill('us-east-1');
	const send = (page: Page) =>
		card(page, `${from} asks`)
			.getByRole('button', { name: 'Send answer' })
			.evaluate(
				(button) => {
					// A button whose card just left the page submits nothing: that click did not land.
					if (!button.isConnected) return false;
					(button as HTMLButtonElement).click();
					return true;
				},
				undefined,
				{ timeout: 3_000 }
			)
			.catch(() => false);
	const clicked = await Promise.all([send(ada), send(grace)]);
	expect(clicked.some(Boolean)).toBe(true);
	await expect.poll(() => answers.length).toBe(1);
	await new Promise((resolve) => setTimeout(resolve, 500));
	expect(answers).toHaveLength(1);
	const [winner, loser] = answers[0] === 'eu-west-1' ? [ada, grace] : [grace, ada];
	if (clicked.every(Boolean)) {
		await expect(loser.getByRole('alert', { name: 'Inbox notices' })).toContainText(
			'already answered this at'
		);
		await expect(loser.getByRole('alert', { name: 'Inbox notices' })).toContainText(
			'Your answer was not sent.'
		);
	}
	await expect(winner.getByRole('alert', { name: 'Inbox notices' })).toHaveCount(0);

	// Each console ends up showing the one answer that won, in its history.
	for (const page of [ada, grace]) {
		await expect(card(page, `${from} asks`)).toHaveCount(0);
		await page.getByText(/History: \d+ answered/).click();
		await expect(page.getByRole('list', { name: 'Answered questions' })).toContainText(`“${answers[0]}”`);
	}
	sub.unsubscribe();
	await adaContext.close();
	await graceContext.close();
});

test('a question asked while no person was online waits in the inbox, and the answer reaches the agent', async ({
	page
}) => {
	const from = `night-owl-${unique()}`;
	const answers: Array<{ content: Record<string, unknown> }> = [];
	const sub = agent.subscribe(`orchestrator.agent.${from}.answer`, {
		callback: (_e, msg) => {
			answers.push(msg.json());
		}
	});
	agent.publish(
		'orchestrator.broadcast.blocker',
		JSON.stringify(
			seedQuestion({
				from_agent: from,
				message_type: 'blocker',
				to_agent: null,
				content: {
					blocker: 'Need approval to drop the legacy table',
					work_stream: '3.2',
					impact: 'critical'
				},
				correlation_id: null,
				timestamp: new Date().toISOString().replace('Z', '')
			})
		)
	);
	await agent.flush();

	await joinAs(page, `Lin ${unique()}`);
	const blocker = card(page, `${from} is blocked`);
	await expect(blocker).toContainText('Need approval to drop the legacy table');
	await expect(blocker).toContainText('critical');
	await blocker.getByRole('textbox').fill('backup first');
	await blocker.getByRole('button', { name: 'Approve' }).click();
	await expect.poll(() => answers.length).toBe(1);
	expect(answers[0].content).toMatchObject({ answer: 'Approved: backup first', decision: 'approve' });
	sub.unsubscribe();
});

test('a question with a form is validated before anything is sent', async ({ page }) => {
	await joinAs(page, `Ada ${unique()}`);
	const from = `deployer-${unique()}`;
	const answers: Array<{ content: Record<string, unknown> }> = [];
	const sub = agent.subscribe(`orchestrator.agent.${from}.answer`, {
		callback: (_e, msg) => {
			answers.push(msg.json());
		}
	});
	agent.publish(
		'orchestrator.broadcast.question',
		ask('orchestrator.broadcast.question', from, {
			question: 'Configure the rollout',
			fields: {
				env: { type: 'string', enum: ['staging', 'prod'], required: true },
				replicas: { type: 'integer', minimum: 1, maximum: 10, title: 'Replicas' }
			}
		})
	);
	const form = card(page, `${from} asks`).getByRole('form', { name: 'Answer form' });
	await form.getByLabel('Replicas').fill('50');
	await form.getByRole('button', { name: 'Send form' }).click();
	await expect(form).toContainText('env is required.');
	await expect(form).toContainText('Replicas must be at most 10.');
	expect(answers).toHaveLength(0);

	await form.getByLabel('env (required)').selectOption('prod');
	await form.getByLabel('Replicas').fill('3');
	await form.getByRole('button', { name: 'Send form' }).click();
	await expect.poll(() => answers.length).toBe(1);
	expect(answers[0].content).toMatchObject({
		answer: 'env=prod, replicas=3',
		fields: { env: 'prod', replicas: 3 }
	});
	sub.unsubscribe();
});

test('a long inbox: a card far down the list gets its answer form when scrolled to, and the answer arrives', async ({
	page
}) => {
	await joinAs(page, `Ada ${unique()}`);
	const from = `busy-${unique()}`;
	const answers: string[] = [];
	const sub = agent.subscribe(`orchestrator.agent.${from}-last.answer`, {
		callback: (_e, msg) => {
			answers.push(msg.json<{ content: { answer: string } }>().content.answer);
		}
	});
	for (let i = 0; i < 60; i++)
		agent.publish(
			'orchestrator.broadcast.question',
			ask('orchestrator.broadcast.question', `${from}-${i}`, { question: `Item ${i}?`, options: ['ok'] })
		);
	await agent.flush();
	await new Promise((resolve) => setTimeout(resolve, 50));
	agent.publish(
		'orchestrator.broadcast.question',
		ask('orchestrator.broadcast.question', `${from}-last`, { question: 'The last one?', options: ['yes'] })
	);
	await agent.flush();

	// Oldest first: the last question is below sixty cards, too far for its form to exist yet.
	const last = card(page, `${from}-last asks`);
	await expect(last).toContainText('The last one?');
	await expect(last.getByRole('button', { name: 'yes' })).toHaveCount(0);
	await last.scrollIntoViewIfNeeded();
	await last.getByRole('button', { name: 'yes' }).click();
	await expect.poll(() => answers).toEqual(['yes']);
	sub.unsubscribe();
});

test('two agents that choose the same request_id are two questions: each is answered, each gets its own answer', async ({
	page
}) => {
	await joinAs(page, `Ada ${unique()}`);
	const requestId = `req-${unique()}`;
	const askers = [`builder-${unique()}`, `deployer-${unique()}`];
	const answers = new Map<string, unknown[]>(askers.map((from) => [from, []]));
	const subs = askers.map((from) =>
		agent.subscribe(`orchestrator.agent.${from}.answer`, {
			callback: (_e, msg) => void answers.get(from)!.push(msg.json<{ content: unknown }>().content)
		})
	);
	await agent.flush();
	for (const [from, question] of [
		[askers[0], 'Which region?'],
		[askers[1], 'Roll back?']
	])
		agent.publish(
			'orchestrator.broadcast.question',
			ask('orchestrator.broadcast.question', from, { question, request_id: requestId })
		);

	for (const [from, text] of [
		[askers[0], 'eu-west-1'],
		[askers[1], 'no, fix forward']
	]) {
		const question = card(page, `${from} asks`);
		await question.scrollIntoViewIfNeeded();
		await question.getByRole('textbox').fill(text);
		await question.getByRole('button', { name: 'Send answer' }).click();
		await expect(question).toHaveCount(0);
	}
	await expect.poll(() => answers.get(askers[0])).toEqual([expect.objectContaining({ answer: 'eu-west-1' })]);
	await expect
		.poll(() => answers.get(askers[1]))
		.toEqual([expect.objectContaining({ answer: 'no, fix forward', question_id: requestId })]);
	await page.getByText(/History: \d+ answered/).click();
	const history = page.getByRole('list', { name: 'Answered questions' });
	await expect(history).toContainText('Which region?');
	await expect(history).toContainText('Roll back?');
	for (const sub of subs) sub.unsubscribe();
});
