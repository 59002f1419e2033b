/**
 * The app's static server as an attacker meets it: requests that used to crash it or read files
 * beside the build, and the headers every response carries.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../scripts/lib/ports.js';
import { serveApp } from '../scripts/lib/static-server.js';

const inline = 'console.log("boot")';
let folder: string;
let server: Server;
let base: string;

beforeAll(async () => {
	folder = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-static-'));
	const build = path.join(folder, 'build');
	fs.mkdirSync(path.join(build, '_app/immutable'), { recursive: true });
	fs.writeFileSync(path.join(build, 'index.html'), `<!doctype html><script>${inline}</script>`);
	fs.writeFileSync(path.join(build, '_app/immutable/entry.js'), 'export {}');
	// Beside the build, sharing its name's beginning: what a string-prefix check let through.
	fs.writeFileSync(path.join(folder, 'build-secret.txt'), 'the secret');
	const port = await findFreePort();
	server = await serveApp({ dir: build, port, host: '127.0.0.1' });
	base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
	fs.rmSync(folder, { recursive: true, force: true });
});

/** The raw request line, exactly as written (fetch would normalise the path). */
function raw(requestPath: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = net.connect(Number(new URL(base).port), '127.0.0.1', () =>
			socket.write(`GET ${requestPath} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`)
		);
		let text = '';
		socket.on('data', (chunk) => (text += chunk.toString()));
		socket.on('end', () => resolve(text));
		socket.on('error', reject);
	});
}

describe('the static server', () => {
	it('survives a malformed URL and keeps serving', async () => {
		const reply = await raw('/%E0%A4%A');
		expect(reply).toMatch(/^HTTP\/1\.1 (200|400|404)/u);
		expect((await fetch(`${base}/`)).status).toBe(200);
	});

	it('serves nothing outside the build, however the path is written', async () => {
		for (const attempt of [
			'/..%2Fbuild-secret.txt',
			'/../build-secret.txt',
			'/%2e%2e/build-secret.txt',
			'/..\\build-secret.txt'
		])
			expect(await raw(attempt), attempt).not.toContain('the secret');
	});

	it('serves the app for any page path, and its hashed files for a year', async () => {
		const page = await fetch(`${base}/some/page`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain(inline);
		const asset = await fetch(`${base}/_app/immutable/entry.js`);
		expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect((await fetch(`${base}/`)).headers.get('cache-control')).toBe('no-cache');
		expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
	});

	it('sends a strict Content-Security-Policy, with the inline script by hash, and refuses framing', async () => {
		const headers = (await fetch(`${base}/`)).headers;
		const csp = headers.get('content-security-policy')!;
		const hash = crypto.createHash('sha256').update(inline).digest('base64');
		expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
		expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/u);
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("connect-src 'self' ws: wss:");
		expect(csp).toContain("worker-src 'self' blob:");
		expect(headers.get('x-content-type-options')).toBe('nosniff');
		expect(headers.get('x-frame-options')).toBe('DENY');
	});
});

describe('the static server under a sub-path (a build for SWITCHBOARD_BASE_PATH)', () => {
	it('serves the app and its files under the sub-path, with or without a query, and nothing beside it', async () => {
		const port = await findFreePort();
		const demo = await serveApp({ dir: path.join(folder, 'build'), port, host: '127.0.0.1', base: '/demo' });
		const at = `http://127.0.0.1:${port}`;
		try {
			// A join link to the demo: the page's path, then the server to join.
			for (const page of ['/demo', '/demo/', '/demo?server=wss%3A%2F%2Fnats.example.com%3A8443&name=Ada']) {
				const reply = await fetch(`${at}${page}`);
				expect(reply.status, page).toBe(200);
				expect(await reply.text(), page).toContain(inline);
			}
			expect((await fetch(`${at}/demo/_app/immutable/entry.js`)).status).toBe(200);
			for (const outside of ['/', '/_app/immutable/entry.js', '/demonstration', '/other/demo'])
				expect((await fetch(`${at}${outside}`)).status, outside).toBe(404);
		} finally {
			await new Promise((resolve) => demo.close(resolve));
		}
	});
});
