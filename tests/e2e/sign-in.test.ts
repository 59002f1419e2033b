/**
 * Signing in from the join form against a server that requires it: an NKey seed typed by the
 * person, kept in memory only unless they ask this device to remember it.
 */
import { nkeys } from '@nats-io/nats-core';
import { expect, test } from '@playwright/test';
import { createJwtAuth, operatorModeConfig } from '../helpers/jwt-auth';
import { startTestServer, type TestServer } from '../helpers/nats-server';
import { appUrl } from './env';

const ada = nkeys.createUser();
const seed = new TextDecoder().decode(ada.getSeed());

let server: TestServer;
test.beforeAll(async () => {
	server = await startTestServer({
		config: `
host: 127.0.0.1
port: $SWITCHBOARD_NATS_PORT
http_port: $SWITCHBOARD_MONITOR_PORT
websocket { host: 127.0.0.1, port: $SWITCHBOARD_WS_PORT, no_tls: true }
jetstream { store_dir: $SWITCHBOARD_DATA_DIR }
authorization { users: [ { nkey: ${ada.getPublicKey()} } ] }
`
	});
});
test.afterAll(() => server.stop());

test('a person signs in with an NKey seed; it stays out of the link and storage unless they ask', async ({
	page
}) => {
	const link = `${appUrl}/?server=${encodeURIComponent(server.wsUrl)}&name=Ada`;
	await page.goto(link);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('alert')).toContainText('refused to let you in');

	await page.getByText('Sign in, if the server asks for it').click();
	await page.getByLabel('NKey seed').fill(seed);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('status').first()).toContainText('connected');
	expect(page.url()).not.toContain(seed);
	const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
	expect(stored).not.toContain(seed);
	await expect(page.getByRole('table', { name: 'Messages' })).not.toContainText(seed.slice(0, 12));

	// Asked to remember, this device fills it in next time.
	await page.getByRole('button', { name: 'Leave' }).click();
	await page.goto(link);
	await page.getByText('Sign in, if the server asks for it').click();
	await expect(page.getByLabel('NKey seed')).toHaveValue('');
	await page.getByLabel('NKey seed').fill(seed);
	await page.getByLabel('Remember these on this device').check();
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('status').first()).toContainText('connected');
	await page.getByRole('button', { name: 'Leave' }).click();
	await page.goto(link);
	await page.getByText('Sign in, if the server asks for it').click();
	await expect(page.getByLabel('NKey seed')).toHaveValue(seed);
	await expect(page.getByLabel('Remember these on this device')).toBeChecked();

	// Unticked, it is forgotten.
	await page.getByLabel('Remember these on this device').uncheck();
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('status').first()).toContainText('connected');
	expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(seed);
});

test('the demo crew joins with the person’s NKey sign-in: the server lets in nobody without one', async ({
	page
}) => {
	await page.goto(`${appUrl}/?server=${encodeURIComponent(server.wsUrl)}&name=Ada`);
	await page.getByText('Sign in, if the server asks for it').click();
	await page.getByLabel('NKey seed').fill(seed);
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByText('Watching live:')).toBeVisible();

	// The crew runs in a worker on its own connection, which must sign in the same way.
	await page.getByRole('button', { name: 'Start demo crew' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Running:' })).toContainText('Architect');
	await expect(page.locator('#crew-heading ~ [role="alert"]')).toHaveCount(0);
	await page.getByRole('button', { name: 'Stop demo crew' }).click();
	await expect(page.getByRole('button', { name: 'Start demo crew' })).toBeVisible();
});

test('a person signs in with a credentials file on a server in operator mode', async ({ page }) => {
	const jwt = createJwtAuth();
	const operatorServer = await startTestServer({
		config: operatorModeConfig(jwt)
	});
	try {
		await page.goto(`${appUrl}/?server=${encodeURIComponent(operatorServer.wsUrl)}&name=Ada`);
		await page.getByText('Sign in, if the server asks for it').click();
		const file = page.getByLabel('Credentials file (.creds)');
		await file.setInputFiles({
			name: 'notes.txt',
			mimeType: 'text/plain',
			buffer: Buffer.from('password=1')
		});
		await page.getByRole('button', { name: 'Join' }).click();
		await expect(page.getByRole('alert')).toContainText('not a NATS credentials file');

		const creds = jwt.credsFor('ada');
		await file.setInputFiles({ name: 'ada.creds', mimeType: 'text/plain', buffer: Buffer.from(creds) });
		await expect(page.getByText('Using ada.creds.')).toBeVisible();
		await page.getByRole('button', { name: 'Join' }).click();
		await expect(page.getByRole('status').first()).toContainText('connected');
		expect(page.url()).not.toContain('NKEY');
		expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain('NATS USER JWT');
	} finally {
		await operatorServer.stop();
	}
});
