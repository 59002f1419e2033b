/**
 * The demo anyone can open: the static build made for a sub-path (as the GitHub Pages workflow makes
 * it, SWITCHBOARD_BASE_PATH=/<repository>), served there by a plain static host, joined to a server the
 * person names, with the demo crew running in the page.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { findFreePort } from '../../scripts/lib/ports.js';
import { serveApp } from '../../scripts/lib/static-server.js';
import { startTestServer, type TestServer } from '../helpers/nats-server';

const BASE = '/switchboard-demo';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-base-path-'));
let site: http.Server;
let origin: string;
let bus: TestServer;

test.beforeAll(async () => {
	// Building takes a while: this hook gets longer than a test.
	test.setTimeout(240_000);
	const built = spawnSync(
		process.execPath,
		['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'],
		{
			encoding: 'utf8',
			env: {
				...process.env,
				SWITCHBOARD_BASE_PATH: BASE,
				SWITCHBOARD_BUILD_DIR: path.join(work, 'site'),
				// Inside the project, where the build's own steps find its packages; git-ignored.
				SWITCHBOARD_KIT_DIR: '.svelte-kit-base-path'
			}
		}
	);
	expect(built.status, `${built.stdout}\n${built.stderr}`).toBe(0);
	const port = await findFreePort();
	site = await serveApp({ dir: path.join(work, 'site'), port, host: '127.0.0.1', base: BASE });
	origin = `http://localhost:${port}`;
	bus = await startTestServer({ origins: [origin] });
});
test.afterAll(async () => {
	site?.closeAllConnections();
	await new Promise((resolve) => site?.close(resolve));
	await bus?.stop();
	fs.rmSync(work, { recursive: true, force: true });
	fs.rmSync('.svelte-kit-base-path', { recursive: true, force: true });
});

test('the build for a sub-path runs there: every file loads, a person joins, the demo crew runs in the page', async ({
	page
}) => {
	const failed: string[] = [];
	page.on('response', (response) => {
		if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
	});
	await page.goto(`${origin}${BASE}/`);
	await page.getByLabel('Server WebSocket URL').fill(bus.wsUrl);
	await page.getByLabel('Display name').fill('Ada');
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByText('Watching live:')).toBeVisible();

	await page.getByRole('button', { name: 'Start demo crew' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Running:' })).toContainText('Architect');
	// The crew is a real peer on the bus: its agents come onto the roster and talk.
	await expect(page.getByRole('list', { name: 'Agents on the bus' })).toContainText('Parser developer');
	await expect(page.getByRole('table', { name: 'Messages' })).toContainText('status_update');

	// Assets, the manifest and the crew's worker all came from under the sub-path.
	const manifest = await page
		.locator('link[rel="manifest"]')
		.evaluate((link) => (link as HTMLLinkElement).href);
	expect(new URL(manifest).pathname).toBe(`${BASE}/manifest.webmanifest`);
	expect((await page.request.get(manifest)).ok()).toBe(true);
	expect(failed).toEqual([]);
	// Outside the sub-path there is nothing: the build does not reach for the site's root.
	expect((await page.request.get(`${origin}/`)).status()).toBe(404);
});
