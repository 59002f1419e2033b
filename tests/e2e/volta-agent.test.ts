/**
 * A Volta Shell agent and Volta's own registry (tests/agents/volta-agent.ts, written from Volta's wire
 * contract) beside a person in the app, in Chromium: the registry keeps the person online, the person
 * starts a conversation in Volta's format, answers the agent's query the way Volta's agents reply,
 * and `mcp.get_agent_info` is answered.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect, test, type Page } from '@playwright/test';
import { VoltaAgent, VoltaRegistry } from '../agents/volta-agent';
import { chooseByKeyboard, findAgent, joinAs, natsUrl, openComposer, pressByKeyboard } from './env';

const unique = () => Math.random().toString(36).slice(2, 7);
let nc: NatsConnection;
let volta: VoltaAgent;
test.beforeEach(async () => {
	nc = await connect({ servers: natsUrl, name: 'Volta Shell (test)' });
	volta = new VoltaAgent(nc, `volta-${unique()}`, 'Claude Code Agent');
	await volta.start();
});
test.afterEach(async () => {
	volta?.stop();
	await nc?.close();
});

async function join(page: Page): Promise<string> {
	await joinAs(page, `Ada ${unique()}`);
	return (await page.getByRole('banner').locator('.mono').first().textContent())!;
}

test('Volta’s own registry keeps a person online past its 90 s rule: a status keep-alive every 30 s', async ({
	page
}) => {
	test.setTimeout(90_000);
	const registry = new VoltaRegistry(nc);
	registry.start();
	await nc.flush();
	const me = await join(page);
	await expect.poll(() => registry.agents.has(me)).toBe(true);
	// The join's status, then the keep-alive 30 s later (the page's clock runs in a worker).
	await expect
		.poll(() => registry.statusTimes.get(me)?.length ?? 0, { timeout: 45_000 })
		.toBeGreaterThanOrEqual(2);
	const [joined] = registry.statusTimes.get(me)!;
	// 95 s after joining the registry would have marked a person without keep-alives offline.
	const listed = registry.list(joined + 95_000).find((a) => a.id === me);
	expect(listed?.status).toBe('online');
});

test('a person starts a conversation in Volta’s format, and answers the agent’s query as Volta’s agents reply', async ({
	page
}) => {
	const me = await join(page);

	// The person asks the agent something, from the composer.
	await openComposer(page, me);
	const form = page.getByRole('form', { name: 'Compose a message' });
	await form.getByLabel('Format').selectOption('volta');
	await chooseByKeyboard(form.getByLabel('To an agent'));
	await form.getByLabel('Agent id').fill(volta.id);
	await form.getByLabel('Type').selectOption('query');
	await form.getByLabel('Message', { exact: true }).fill('Which database should the parser use?');
	await pressByKeyboard(form.getByRole('button', { name: 'Send' }));
	await expect(form).toContainText(`Sent on agent.${volta.id}.message`);
	await expect.poll(() => volta.received.length).toBe(1);
	expect(volta.received[0]).toMatchObject({
		from: me,
		to: volta.id,
		type: 'query',
		message: 'Which database should the parser use?',
		metadata: { requestId: expect.stringMatching(new RegExp(`^${me}-`)) }
	});

	// The agent asks the person; the answer comes back as a response that copies its metadata.
	volta.send(me, 'Approve the schema change?', 'query', { requestId: 'req-9', context: 'tasks table' });
	const card = page
		.getByRole('list', { name: 'Open questions' })
		.getByRole('article', { name: `${volta.id} asks` });
	// Cards far down a busy inbox get their answer form when scrolled to, as a person would.
	await card.scrollIntoViewIfNeeded();
	await card.getByLabel(`Your answer to ${volta.id}`).fill('Approved, ship it');
	await card.getByRole('button', { name: 'Send answer' }).click();
	await expect.poll(() => volta.received.filter((m) => m.type === 'response').length).toBe(1);
	expect(volta.received.find((m) => m.type === 'response')).toMatchObject({
		from: me,
		to: volta.id,
		message: 'Approved, ship it',
		metadata: {
			requestId: 'req-9',
			context: 'tasks table',
			fromAgent: me,
			responseFrom: me,
			question_id: 'req-9'
		}
	});

	// Volta's client asks about the person: a console answers.
	const info = await nc.request(
		'mcp.get_agent_info',
		JSON.stringify({ action: 'get_agent_info', agentId: me }),
		{
			timeout: 5_000
		}
	);
	expect(info.json()).toMatchObject({ id: me, status: 'online', lastSeen: expect.stringMatching(/Z$/) });
});

test('a person steers a Volta agent with its own command messages, writes to it from its thread, and is told Volta has no ping', async ({
	page
}) => {
	const me = await join(page);
	await (await findAgent(page, volta.id)).click();
	const steer = page.getByRole('region', { name: 'Steer' });
	await steer.getByRole('button', { name: 'Stop task…' }).click();
	const confirm = steer.getByRole('alertdialog');
	await confirm.getByLabel('Task (work stream id)').fill('4.2');
	await confirm.getByLabel('Reason').fill('wrong branch');
	await confirm.getByRole('button', { name: 'Stop task' }).click();
	await expect(steer.getByRole('status')).toContainText(
		`stopped task 4.2 of Claude Code Agent (${volta.id}): wrong branch`
	);
	await expect.poll(() => volta.received.length).toBe(1);
	expect(volta.received[0]).toMatchObject({
		from: me,
		to: volta.id,
		type: 'command',
		message: 'stop',
		metadata: {
			command: 'stop_task',
			args: { work_stream_id: '4.2', reason: 'wrong branch', mode: 'graceful' }
		}
	});

	const write = page.getByRole('form', { name: 'Write to Claude Code Agent' });
	await write.getByLabel('Message to Claude Code Agent').fill('Rebase on main first, please.');
	await write.getByRole('button', { name: 'Send' }).click();
	await expect.poll(() => volta.received.length).toBe(2);
	expect(volta.received[1]).toMatchObject({ type: 'query', message: 'Rebase on main first, please.' });
	// The agent's acknowledgement and answer come back into the same thread.
	await expect(page.getByRole('list', { name: 'Conversation with Claude Code Agent' })).toContainText(
		'Claude Code Agent answered You'
	);

	await steer.getByRole('button', { name: 'Ping' }).click();
	await expect(steer.getByRole('alert')).toHaveText(
		'Claude Code Agent speaks only Volta Shell’s protocol, which has no ping. Its heartbeats say it is there.'
	);
});
