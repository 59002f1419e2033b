/**
 * One thread per agent, in two browsers against a real server and a real orchestrator agent in
 * Python: its question and who answered it, a follow-up from another person and the agent's reply,
 * kept across reloads (from what the server stores) and searchable.
 */
import { expect, test, type Page } from '@playwright/test';
import { pythonAgentPerTest } from './python-agent';
import { findAgent, joinAs } from './env';

const unique = () => Math.random().toString(36).slice(2, 7);
const myId = async (page: Page) => (await page.getByRole('banner').locator('.mono').first().textContent())!;

const coder = pythonAgentPerTest('cacher');

test('an agent’s thread: its question, who answered, a follow-up and its reply, the same for two people after a reload', async ({
	page,
	browser
}) => {
	test.setTimeout(90_000);
	const grace = await (await browser.newContext()).newPage();
	try {
		const ada = `Ada ${unique()}`;
		const graceName = `Grace ${unique()}`;
		await joinAs(page, ada);
		await joinAs(grace, graceName);
		const graceId = await myId(grace);
		const requestId = `db-${unique()}`;
		coder.do({
			do: 'broadcast',
			type: 'question',
			content: {
				question: 'Which database for the cache?',
				options: ['redis', 'postgres'],
				request_id: requestId
			}
		});
		const question = page
			.getByRole('list', { name: 'Open questions' })
			.getByRole('article', { name: `${coder.id} asks` });
		// Newest last in a shared, busy inbox: scrolled to, as a person would (far off cards have no form).
		await question.scrollIntoViewIfNeeded();
		await question.getByRole('button', { name: 'redis' }).click();
		await expect(question).toHaveCount(0);

		// Grace opens the agent: its question, and that Ada answered it.
		await (await findAgent(grace, coder.id)).click();
		const thread = grace.getByRole('list', { name: `Conversation with ${coder.id}` });
		await expect(thread.getByRole('listitem')).toHaveText([
			new RegExp(`${coder.id} asked.*answered.*Which database for the cache\\?`, 'u'),
			new RegExp(`${ada} answered.*redis`, 'u')
		]);

		// A follow-up, in the agent's own format, naming the question it follows.
		await thread.getByRole('listitem').nth(1).getByRole('button', { name: 'Ask a follow-up' }).click();
		const write = grace.getByRole('form', { name: `Write to ${coder.id}` });
		await expect(write).toContainText('Follow-up to “redis”');
		await expect(write.getByLabel(`Message to ${coder.id}`)).toBeFocused();
		await grace.keyboard.type('Which version of redis?');
		await write.getByRole('button', { name: 'Send follow-up' }).click();
		await expect(write.getByRole('status')).toHaveText(
			`Sent to ${coder.id} on orchestrator.agent.${coder.id}.question.`
		);
		// The agent got Ada's answer first, then Grace's follow-up.
		await expect.poll(() => coder.handled('question').length).toBe(1);
		expect(coder.handled('answer')).toHaveLength(1);
		const [asked] = coder.handled('question');
		expect(asked.message).toMatchObject({
			message_type: 'question',
			content: { question: 'Which version of redis?', follow_up_to: requestId, asked_by: { name: graceName } }
		});
		// The agent replies to Grace as the orchestrator's agents answer.
		coder.do({
			do: 'send',
			to: graceId,
			type: 'answer',
			content: { answer: 'redis 7.2', question_id: asked.message!.content.request_id }
		});
		await expect(thread).toContainText(`${graceName} asked ${coder.id}`.replace(graceName, 'You'));
		await expect(thread.getByRole('listitem').last()).toContainText(`${coder.id} answered You`);
		await expect(thread.getByRole('listitem').last()).toContainText('redis 7.2');

		// Ada, after a reload: the same thread, read back from the server, and searchable.
		await page.reload();
		await joinAs(page, ada);
		await (await findAgent(page, coder.id)).click();
		const adas = page.getByRole('list', { name: `Conversation with ${coder.id}` });
		await expect(adas.getByRole('listitem')).toHaveText([
			/Which database for the cache\?/u,
			new RegExp(`${ada} answered.*redis`, 'u'),
			new RegExp(`${graceId} asked ${coder.id}.*Which version of redis\\?`, 'u'),
			new RegExp(`${coder.id} answered ${graceId}.*redis 7\\.2`, 'u')
		]);
		await page.getByRole('searchbox', { name: `Search the conversation with ${coder.id}` }).fill('version');
		await expect(adas.getByRole('listitem')).toHaveCount(1);
		await page
			.getByRole('searchbox', { name: `Search the conversation with ${coder.id}` })
			.fill(new Date().toISOString().slice(0, 10));
		await expect(adas.getByRole('listitem')).toHaveCount(4);
	} finally {
		await grace.context().close();
	}
});
