/**
 * Steering a crew from the console, in Chromium, with a real orchestrator agent in Python
 * (tests/agents/orchestrator_agent.py, official nats-py client): one person pauses it and stops its
 * task after confirming, the agent obeys in its own format and every roster shows the effect; a
 * second person in another browser sees the same activity after a reload and exports it; a person
 * pings another and reads the round trip.
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { pythonAgentPerTest } from './python-agent';
import { findAgent, joinAs } from './env';

const unique = () => Math.random().toString(36).slice(2, 7);

const coder = pythonAgentPerTest('coder', { obey: true });

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
		const entry = await findAgent(page, coder.id);
		const graceEntry = await findAgent(grace, coder.id);
		await expect(entry).toContainText('work stream 2.1');

		await entry.click();
		const steer = page.getByRole('region', { name: 'Steer' });
		// Disruptive orders ask first; Escape takes the question back and nothing is sent.
		await steer.getByRole('button', { name: 'Pause' }).click();
		const confirm = steer.getByRole('alertdialog');
		await expect(confirm).toContainText(`Pause ${coder.id}? It stops taking work until someone resumes it.`);
		await expect(confirm.getByRole('button', { name: `Pause ${coder.id}` })).toBeFocused();
		await page.keyboard.press('Escape');
		await expect(confirm).toHaveCount(0);
		await expect(steer.getByRole('button', { name: 'Pause' })).toBeFocused();
		expect(coder.handled('pause_agent')).toHaveLength(0);

		await steer.getByRole('button', { name: 'Pause' }).click();
		await confirm.getByLabel('Reason').fill('cost review');
		await confirm.getByRole('button', { name: `Pause ${coder.id}` }).click();
		await expect(steer.getByRole('status')).toContainText(`paused ${coder.id}: cost review`);
		const paused = await coder.next('obeyed');
		expect(paused.message).toMatchObject({
			message_type: 'pause_agent',
			to_agent: coder.id,
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

		const activity = page.getByRole('list', { name: `What people did to ${coder.id}` });
		await expect(activity.getByRole('listitem')).toHaveText([
			new RegExp(`Ada stopped task 2\\.1 of ${coder.id}`),
			new RegExp(`Ada paused ${coder.id}: cost review`)
		]);

		// Another person, another browser, after a reload: the same trail, from the server.
		await grace.reload();
		await joinAs(grace, 'Grace');
		await (await findAgent(grace, coder.id)).click();
		const seen = grace.getByRole('list', { name: `What people did to ${coder.id}` });
		await expect(seen.getByRole('listitem')).toHaveText([/Ada stopped task 2\.1/u, /Ada paused/u]);
		const downloading = grace.waitForEvent('download');
		await grace.getByRole('button', { name: `Export ${coder.id}’s activity (JSON Lines)` }).click();
		const download = await downloading;
		expect(download.suggestedFilename()).toBe(`switchboard-audit-${coder.id}.jsonl`);
		const lines = fs
			.readFileSync((await download.path())!, 'utf8')
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line));
		expect(lines.map((r) => [r.action, r.by.name, r.agent, r.detail.command])).toEqual([
			['steer', 'Ada', coder.id, 'pause_agent'],
			['steer', 'Ada', coder.id, 'stop_task']
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
