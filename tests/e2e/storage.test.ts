/**
 * Storage from the first second, as a person meets it: `npm start` on a fresh data folder, agents at
 * work before anybody opens the app, and a flood that must not erase or blind the inbox. Each test
 * runs its own `npm start` (its own server and data), so nothing it does touches the other tests.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect, test, type Page } from '@playwright/test';
import { jsonBytes, seedHeartbeat, voltaAnnounce } from '../../src/lib/protocol/fixtures';
import { startSwitchboard } from '../helpers/switchboard';

type Switchboard = Awaited<ReturnType<typeof startSwitchboard>>;
let switchboard: Switchboard;
let agent: NatsConnection;
test.beforeEach(async () => {
	switchboard = await startSwitchboard();
	agent = await connect({ servers: switchboard.nats, name: 'agent on TCP (test)' });
});
test.afterEach(async () => {
	// A failure here comes with what the server said (a slow consumer it cut off, say).
	const testInfo = test.info();
	if (testInfo.status !== testInfo.expectedStatus && switchboard)
		await testInfo.attach('npm start and nats-server output', { body: switchboard.output() });
	await agent?.close();
	await switchboard?.stop();
});

const unique = () => Math.random().toString(36).slice(2, 7);
const pythonNow = () => new Date().toISOString().replace('Z', '');

function envelope(
	from: string,
	type: string,
	content: Record<string, unknown>,
	subject = `orchestrator.broadcast.${type}`
) {
	agent.publish(
		subject,
		JSON.stringify({
			from_agent: from,
			to_agent: null,
			message_type: type,
			content,
			timestamp: pythonNow(),
			correlation_id: `${from}-${Date.now() / 1000}`
		})
	);
}

async function join(page: Page, name: string) {
	await page.goto(
		`${switchboard.app}/?server=${encodeURIComponent(switchboard.ws)}&name=${encodeURIComponent(name)}`
	);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('status').first()).toContainText('connected');
	// Subscribed, as the server confirms: from here on nothing sent to the page is missed.
	await expect(page.getByText('Watching live:')).toBeVisible();
}

const openQuestions = (page: Page) => page.getByRole('list', { name: 'Open questions' });

test('an agent that announces, heartbeats and raises a blocker before any browser opened the app is in the first person’s roster and inbox', async ({
	page
}) => {
	const id = `night-builder-${unique()}`;
	agent.publish(
		'agent.announce',
		jsonBytes(
			voltaAnnounce({
				id,
				name: 'Night Builder',
				capabilities: ['build'],
				timestamp: new Date().toISOString()
			})
		)
	);
	agent.publish(
		'orchestrator.broadcast.heartbeat',
		jsonBytes(seedHeartbeat({ from_agent: id, timestamp: pythonNow() }))
	);
	envelope(id, 'blocker', {
		blocker: 'Waiting for API credentials for the staging deploy',
		work_stream: '3.2'
	});
	await agent.flush();

	// Only now does anybody open the app.
	await join(page, 'Ada');
	await expect(page.getByRole('list', { name: 'Agents on the bus' })).toContainText('Night Builder');
	await expect(openQuestions(page)).toContainText('Waiting for API credentials for the staging deploy');
});

test('a 140 MB junk flood on the inbox subjects: the page stays connected, keeps every question, shows one asked after it', async ({
	page
}) => {
	test.setTimeout(120_000);
	await join(page, 'Ada');
	// Every state the connection badge takes from now on, with what it says (why it reconnects).
	await page.evaluate(() => {
		const badge = document.querySelector('[role="status"][data-state]')!;
		const seen: string[] = [];
		(window as unknown as { seenStates: string[] }).seenStates = seen;
		new MutationObserver(() =>
			seen.push(`${badge.getAttribute('data-state')}: ${badge.textContent?.trim()}`)
		).observe(badge, {
			attributes: true,
			attributeFilter: ['data-state']
		});
	});
	const before = Array.from({ length: 3 }, (_, i) => `Asked before the flood #${i} ${unique()}?`);
	for (const text of before) envelope(`asker-${unique()}`, 'question', { question: text });
	await agent.flush();
	for (const text of before) await expect(openQuestions(page)).toContainText(text);

	// 80 × 1 MiB (over the inbox's 64 KiB limit: not kept) and 1,000 × 60 KiB (kept), as fast as the socket takes them.
	const big = new Uint8Array(1024 * 1024).fill(0x7a);
	const small = new Uint8Array(60 * 1024).fill(0x7a);
	for (let i = 0; i < 80; i++) {
		agent.publish('orchestrator.broadcast.question', big);
		if (i % 8 === 7) await agent.flush();
	}
	for (let i = 0; i < 1_000; i++) {
		agent.publish('orchestrator.broadcast.blocker', small);
		if (i % 64 === 63) await agent.flush();
	}
	const after = `Asked after the flood ${unique()}?`;
	envelope(`asker-${unique()}`, 'question', { question: after });
	await agent.flush();

	await expect(openQuestions(page)).toContainText(after, { timeout: 60_000 });
	for (const text of before) await expect(openQuestions(page)).toContainText(text);
	expect(await page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates)).toEqual([]);

	// Reloaded, the page reads the kept questions back through the junk, a bounded batch at a time.
	await page.reload();
	await page.getByRole('button', { name: 'Join' }).click();
	for (const text of [...before, after])
		await expect(openQuestions(page)).toContainText(text, { timeout: 30_000 });
	await expect(page.getByText('could not open its JetStream storage')).toHaveCount(0);
});
