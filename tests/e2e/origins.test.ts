/**
 * Only the app's own pages may open a browser connection to `npm start`'s server (allowed_origins):
 * a web page from anywhere else, open in the same browser, cannot read questions or answer them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { appUrl, joinAs, tryWebSocket, wsUrl } from './env';

const tryOpen = (page: Page) => tryWebSocket(page, wsUrl);

test('a page from another origin cannot open a connection to the bus; the app, by either local name, can', async ({
	page
}) => {
	// Somebody else's page, served from this machine on another port.
	const elsewhere = http.createServer((_request, response) => {
		response.setHeader('Content-Type', 'text/html');
		response.end('<!doctype html><title>Not Switchboard</title><p>Hello</p>');
	});
	await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
	try {
		await page.goto(`http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`);
		expect(await tryOpen(page)).toBe('refused');

		// The app, as npm start prints it (localhost) and by its address.
		await page.goto(appUrl);
		expect(await tryOpen(page)).toBe('open');
		await page.goto(appUrl.replace('localhost', '127.0.0.1'));
		expect(await tryOpen(page)).toBe('open');
		await joinAs(page, 'Ada');
	} finally {
		elsewhere.closeAllConnections();
		await new Promise((resolve) => elsewhere.close(resolve));
	}
});
