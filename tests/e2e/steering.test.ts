/**
 * Steering a crew from the console, in Chromium, with a real orchestrator agent in Python
 * (tests/agents/orchestrator_agent.py, official nats-py client): one person pauses it and stops its
 * task after confirming, the agent obeys in its own format and every roster shows the effect; a
 * second person in another browser sees the same activity after a reload and exports it; a person
 * pings another and reads the round trip.
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { pythonWithNats, startPythonAgent, type PythonAgent } from '../helpers/python-agent';
import { findAgent, joinAs, natsUrl } from './env';

const unique = () => Math.random().toString(36).slice(2, 7);

let coder: PythonAgent;
let coderId: string;
test.beforeAll(() => {
	test.setTimeout(180_000);
	pythonWithNats();
});
test.beforeEach(async () => {
	coderId = `coder-${unique()}`;
	coder = await startPythonAgent(natsUrl, coderId);
	coder.do({ do: 'subscribe' });
	await coder.next('subscribed');
	coder.do({ do: 'obey' });
});
test.afterEach(() => coder?.stop());

test('Ada pauses an orchestrator agent and stops its task; it obeys, both rosters show it, Grace sees the activity after a reload and exports it', async ({
	page,
	browser
}) => {
	test.setTimeout(90_000);
	const grace = await (await browser.newContext()).newPage();
	try {
		await joinAs(page, 'Ada');
		await joinAs(grace, 'Grace');
		coder.do({
			do: 'broadcast',
			type: 'status_update',
			content: { status: 'in_progress', work_stream_id: '2.1' }
		});
		const entry = await findAgent(page, coderId);
		const graceEntry = await findAgent(grace, coderId);
		await expect(entry).toContainText('work stream 2.1');

		await entry.click();
		const steer = page.getByRole('region', { name: 'Steer' });
		// Disruptive orders ask first; Escape takes the question back and nothing is sent.
		await steer.getByRole('button', { name: 'Pause' }).click();
		const confirm = steer.getByRole('alertdialog');
		await expect(confirm).toContainText(`Pause ${coderId}? It stops taking work until someone resumes it.`);
		await expect(confirm.getByRole('button', { name: `Pause ${coderId}` })).toBeFocused();
		await page.keyboard.press('Escape');
		await expect(confirm).toHaveCount(0);
		expect(coder.handled('pause_agent')).toHaveLength(0);

		await steer.getByRole('button', { name: 'Pause' }).click();
		await confirm.getByLabel('Reason').fill('cost review');
		await confirm.getByRole('button', { name: `Pause ${coderId}` }).click();
		await expect(steer.getByRole('status')).toContainText(`paused ${coderId}: cost review`);
		const paused = await coder.next('obeyed');
		expect(paused.message).toMatchObject({
			message_type: 'pause_agent',
			to_agent: coderId,
			content: { reason: 'cost review', requested_by: { name: 'Ada' } }
		});
		// The agent's own status, not the order, is what the rosters show.
		await expect(entry).toContainText('paused');
		await expect(graceEntry).toContainText('paused');

		await steer.getByRole('button', { name: 'Stop task…' }).click();
		await expect(confirm.getByLabel('Task (work stream id)')).toHaveValue('2.1');
		await expect(confirm.getByLabel('Task (work stream id)')).toBeFocused();
		await confirm.getByRole('button', { name: 'Stop task' }).click();
		const stopped = await coder.next('obeyed', 2);
		expect(stopped.message).toMatchObject({
			message_type: 'stop_task',
			content: { mode: 'graceful', work_stream_id: '2.1' }
		});
		await expect(entry).toContainText('stop_command');

		const activity = page.getByRole('list', { name: `What people did to ${coderId}` });
		await expect(activity.getByRole('listitem')).toHaveText([
			new RegExp(`Ada stopped task 2\\.1 of ${coderId}`),
			new RegExp(`Ada paused ${coderId}: cost review`)
		]);

		// Another person, another browser, after a reload: the same trail, from the server.
		await grace.reload();
		await joinAs(grace, 'Grace');
		await (await findAgent(grace, coderId)).click();
		const seen = grace.getByRole('list', { name: `What people did to ${coderId}` });
		await expect(seen.getByRole('listitem')).toHaveText([/Ada stopped task 2\.1/u, /Ada paused/u]);
		const downloading = grace.waitForEvent('download');
		await grace.getByRole('button', { name: `Export ${coderId}’s activity (JSON Lines)` }).click();
		const download = await downloading;
		expect(download.suggestedFilename()).toBe(`switchboard-audit-${coderId}.jsonl`);
		const lines = fs
			.readFileSync((await download.path())!, 'utf8')
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line));
		expect(lines.map((r) => [r.action, r.by.name, r.agent, r.detail.command])).toEqual([
			['steer', 'Ada', coderId, 'pause_agent'],
			['steer', 'Ada', coderId, 'stop_task']
		]);
	} finally {
		await grace.context().close();
	}
});

test('a person pings another from the roster and reads the round trip; people are pinged, never steered', async ({
	page,
	browser
}) => {
	const grace = await (await browser.newContext()).newPage();
	try {
		const graceName = `Grace ${unique()}`;
		await joinAs(grace, graceName);
		await joinAs(page, `Ada ${unique()}`);
		await (await findAgent(page, graceName)).click();
		const steer = page.getByRole('region', { name: 'Steer' });
		await expect(steer.getByRole('button', { name: 'Pause' })).toHaveCount(0);
		await steer.getByRole('button', { name: 'Ping' }).click();
		await expect(steer.getByRole('status')).toHaveText(
			new RegExp(`^Pong from ${graceName} in \\d+(\\.\\d)? ms\\.$`, 'u')
		);
		await expect(page.getByRole('list', { name: `What people did to ${graceName}` })).toContainText(
			`pinged ${graceName}:`
		);
	} finally {
		await grace.context().close();
	}
});
