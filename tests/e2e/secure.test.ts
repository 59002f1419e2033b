/**
 * nats/secure.conf, booted as is (TLS with a throwaway certificate): the app does its job within a
 * person's permissions, over wss://. What a person is refused is shown in tests/secure.spec.ts.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expect, test } from '@playwright/test';
import { jsonBytes, seedQuestion } from '../../src/lib/protocol/fixtures';
import { PASSWORDS, startSecureServer, type SecureServer } from '../helpers/secure-server';
import { appUrl, tryWebSocket } from './env';

let secure: SecureServer;
test.beforeAll(async () => {
	secure = await startSecureServer(new URL(appUrl).origin);
});
test.afterAll(() => secure?.stop());

test('the app works within a person’s permissions over wss://: joins, is on the roster, answers an agent', async ({
	browser
}) => {
	const context = await browser.newContext({ ignoreHTTPSErrors: true });
	const page = await context.newPage();
	const agent: NatsConnection = await connect({
		servers: secure.server.natsUrl,
		user: 'coder',
		pass: PASSWORDS.coder,
		tls: { caFile: secure.cert }
	});
	try {
		await page.goto(`${appUrl}/?server=${encodeURIComponent(secure.wssUrl)}&name=Ada`);
		await page.getByText('Sign in, if the server asks for it').click();
		await page.getByLabel('User').fill('ada');
		await page.getByLabel('Password').fill(PASSWORDS.ada);
		await page.getByRole('button', { name: 'Join' }).click();
		await expect(page.getByRole('status').first()).toContainText('connected');
		await expect(page.getByText('Watching live:')).toBeVisible();
		await expect(page.getByRole('banner')).toContainText('(ada)');
		await expect(page.getByRole('list', { name: 'Agents on the bus' })).toContainText('Ada (you)');

		const answers: string[] = [];
		agent.subscribe('orchestrator.agent.coder.answer', {
			callback: (_e, msg) => {
				answers.push(msg.json<{ content: { answer: string } }>().content.answer);
			}
		});
		await agent.flush();
		agent.publish(
			'orchestrator.broadcast.question',
			jsonBytes(
				seedQuestion({
					from_agent: 'coder',
					to_agent: null,
					correlation_id: `secure-${Date.now()}`,
					timestamp: new Date().toISOString().replace('Z', ''),
					content: { question: 'Merge the TLS change?', options: ['yes', 'no'] }
				})
			)
		);
		const card = page.getByRole('article', { name: 'coder asks' });
		await card.getByRole('button', { name: 'yes' }).click();
		await expect.poll(() => answers).toEqual(['yes']);
		await expect(card).toHaveCount(0);
		// Nothing the app did on its own was refused.
		await expect(page.getByText('The server does not allow you')).toHaveCount(0);

		// Handing out work is beyond a person's permissions: the server refuses, the person is told.
		await page.getByText('Compose a message as ada').click();
		const form = page.getByRole('form', { name: 'Compose a message' });
		await form.getByLabel('Type').selectOption('task_assignment');
		await form.getByLabel('Content (JSON)').fill('{"work_stream_id": "9.9"}');
		await form.getByRole('button', { name: 'Send' }).click();
		await expect(
			page.getByRole('alert').filter({
				hasText: 'The server does not allow you to send on orchestrator.broadcast.task_assignment.'
			})
		).toBeVisible();
		await expect(page.getByRole('status').first()).toContainText('connected');
	} finally {
		await agent.close();
		await context.close();
	}
});

test('a person without the steering role is told in words that the server refused the order', async ({
	browser
}) => {
	const context = await browser.newContext({ ignoreHTTPSErrors: true });
	const page = await context.newPage();
	const agent: NatsConnection = await connect({
		servers: secure.server.natsUrl,
		user: 'coder',
		pass: PASSWORDS.coder,
		tls: { caFile: secure.cert }
	});
	const orders: string[] = [];
	agent.subscribe('orchestrator.agent.coder.>', {
		callback: (_e, msg) => {
			orders.push(msg.subject);
		}
	});
	try {
		await page.goto(`${appUrl}/?server=${encodeURIComponent(secure.wssUrl)}&name=Grace`);
		await page.getByText('Sign in, if the server asks for it').click();
		await page.getByLabel('User').fill('grace');
		await page.getByLabel('Password').fill(PASSWORDS.grace);
		await page.getByRole('button', { name: 'Join' }).click();
		await expect(page.getByText('Watching live:')).toBeVisible();
		agent.publish(
			'orchestrator.broadcast.status_update',
			jsonBytes({
				from_agent: 'coder',
				to_agent: null,
				message_type: 'status_update',
				content: { status: 'in_progress', work_stream_id: '4.2' },
				timestamp: new Date().toISOString().replace('Z', ''),
				correlation_id: null
			})
		);
		await page
			.getByRole('list', { name: 'Agents on the bus' })
			.getByRole('button', { name: /coder/u })
			.click();
		const steer = page.getByRole('region', { name: 'Steer' });
		await steer.getByRole('button', { name: 'Pause' }).click();
		await steer.getByRole('button', { name: 'Pause coder' }).click();
		await expect(steer.getByRole('alert')).toHaveText(
			'Pause was not sent: the server does not allow this login to send on orchestrator.agent.coder.pause_agent. Ask whoever runs the server for the steering role, or ask someone who has it.'
		);
		// Nothing reached the agent, and nothing was recorded as done.
		await agent.flush();
		expect(orders).toEqual([]);
		await expect(page.getByRole('list', { name: 'What people did to coder' })).toHaveCount(0);
		// A ping is not steering: it goes through, and its round trip is measured.
		await steer.getByRole('button', { name: 'Ping' }).click();
		await expect(steer.getByRole('alert')).toContainText('did not answer the ping');
	} finally {
		await agent.close();
		await context.close();
	}
});

test('only pages from the app’s origin may open a browser connection (allowed_origins)', async ({
	browser
}) => {
	const context = await browser.newContext({ ignoreHTTPSErrors: true });
	const page = await context.newPage();
	const tryOpen = () => tryWebSocket(page, secure.wssUrl);
	try {
		await page.goto(appUrl);
		expect(await tryOpen()).toBe('open');
		// Another origin: the server's own monitoring page, on another port.
		await page.goto(`${secure.server.monitorUrl}/varz`);
		expect(await tryOpen()).toBe('refused');
	} finally {
		await context.close();
	}
});
