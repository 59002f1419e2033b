/**
 * Edit before approving (LangGraph Agent Inbox's "edit"), in Chromium with a real orchestrator agent
 * in Python: a blocker's suggested resolution, an approval request's arguments and a form's proposed
 * values are changed by the person, and the agent's answer says so and carries what was approved.
 */
import { expect, test, type Page } from '@playwright/test';
import { pythonAgentPerTest } from './python-agent';
import { findAgent, joinAs } from './env';

const unique = () => Math.random().toString(36).slice(2, 7);
const card = (page: Page, name: string) =>
	page.getByRole('list', { name: 'Open questions' }).getByRole('article', { name });

const coder = pythonAgentPerTest('builder');

test('a blocker’s suggested resolution, edited and approved: the agent is told it was edited, and what was approved', async ({
	page,
	browser
}) => {
	const me = `Ada ${unique()}`;
	await joinAs(page, me);
	coder.do({
		do: 'broadcast',
		type: 'blocker',
		content: {
			blocker: 'numpy 2 breaks the build',
			work_stream: '3.1',
			impact: 'high',
			suggested_resolution: 'Pin numpy to 1.26',
			request_id: `pin-${unique()}`
		}
	});
	const blocker = card(page, `${coder.id} is blocked`);
	// A shared, busy inbox: scrolled to, as a person would (far off cards have no form).
	await blocker.scrollIntoViewIfNeeded();
	const proposal = blocker.getByRole('form', { name: 'Approve the proposal' });
	const resolution = proposal.getByLabel('Proposed resolution (edit before approving)');
	await expect(resolution).toHaveValue('Pin numpy to 1.26');
	await expect(proposal.getByRole('button', { name: 'Approve', exact: true })).toBeVisible();
	await resolution.fill('Pin numpy to 1.26.4 and open an issue');
	await proposal.getByRole('button', { name: 'Approve edited' }).click();
	await expect(blocker).toHaveCount(0);

	const answer = await coder.next('handled');
	expect(answer.message).toMatchObject({
		message_type: 'answer',
		content: {
			answer: 'Approved with edits: Pin numpy to 1.26.4 and open an issue',
			decision: 'approve',
			edited: true,
			args: { resolution: 'Pin numpy to 1.26.4 and open an issue' },
			blocker: 'numpy 2 breaks the build'
		}
	});
	// In the audit trail, with what was proposed; and the same for a colleague in another browser.
	await (await findAgent(page, coder.id)).click();
	await expect(page.getByRole('list', { name: `What people did to ${coder.id}` })).toContainText(
		`${me} approved ${coder.id}’s blocker with edits`
	);
	const grace = await (await browser.newContext()).newPage();
	try {
		await joinAs(grace, `Grace ${unique()}`);
		await (await findAgent(grace, coder.id)).click();
		const thread = grace.getByRole('list', { name: `Conversation with ${coder.id}` });
		const answered = thread
			.getByRole('listitem')
			.filter({ hasText: 'Approved with edits: Pin numpy to 1.26.4 and open an issue (edited)' });
		await expect(answered).toContainText(`${me} answered`);
		await expect(thread).toContainText(`${me} approved ${coder.id}’s blocker with edits`);
	} finally {
		await grace.context().close();
	}
});

test('an approval request’s arguments: invalid JSON is refused with nothing sent, edited ones are approved', async ({
	page
}) => {
	await joinAs(page, `Ada ${unique()}`);
	coder.do({
		do: 'broadcast',
		type: 'question',
		content: { question: 'Scale the API?', action: 'scale', args: { service: 'api', replicas: 6 } }
	});
	const question = card(page, `${coder.id} asks`);
	await question.scrollIntoViewIfNeeded();
	const proposal = question.getByRole('form', { name: 'Approve the proposal' });
	const args = proposal.getByLabel('Proposed scale arguments, JSON (edit before approving)');
	await expect(args).toHaveValue('{\n  "service": "api",\n  "replicas": 6\n}');
	await args.fill('{"service": "api", "replicas": 4');
	await proposal.getByRole('button', { name: /^Approve/u }).click();
	await expect(proposal.getByRole('alert')).toContainText('The arguments are not valid JSON');
	await expect(proposal.getByRole('alert')).toContainText('nothing was sent');
	await args.fill('{"replicas": 4, "service": "api"}');
	await proposal.getByRole('button', { name: 'Approve edited' }).click();
	await expect(question).toHaveCount(0);
	const answer = await coder.next('handled');
	expect(answer.message?.content).toMatchObject({
		answer: 'Approved with edits',
		decision: 'approve',
		edited: true,
		args: { service: 'api', replicas: 4 }
	});
	expect(coder.handled('answer')).toHaveLength(1);
});

test('a form’s proposed values: the person changes one, and the answer says it was edited', async ({
	page
}) => {
	await joinAs(page, `Ada ${unique()}`);
	coder.do({
		do: 'broadcast',
		type: 'question',
		content: {
			question: 'Where should the canary run?',
			fields: {
				region: { type: 'string', enum: ['eu-west-1', 'us-east-1'], default: 'eu-west-1' },
				percent: { type: 'integer', minimum: 1, maximum: 50, default: 5 }
			}
		}
	});
	const question = card(page, `${coder.id} asks`);
	await question.scrollIntoViewIfNeeded();
	const form = question.getByRole('form', { name: 'Answer form' });
	await expect(form.getByLabel('region')).toHaveValue('eu-west-1');
	await expect(form.getByLabel('percent')).toHaveValue('5');
	await form.getByLabel('region').selectOption('us-east-1');
	await form.getByRole('button', { name: 'Send form' }).click();
	const answer = await coder.next('handled');
	expect(answer.message?.content).toMatchObject({
		answer: 'region=us-east-1, percent=5 (edited)',
		fields: { region: 'us-east-1', percent: 5 },
		edited: true
	});
});
