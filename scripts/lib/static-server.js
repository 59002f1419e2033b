/**
 * Serves the built single-page app with sirv: only the files the build holds (listed once at start,
 * so no path, encoded or not, reaches outside it, and a malformed URL is just not found), any other
 * path gets index.html, and every response carries the security headers below.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sirv from 'sirv';

/**
 * The Content-Security-Policy for the app: its own scripts, plus the page's inline bootstrap script
 * by hash (no 'unsafe-inline' for scripts); connections to any ws:// or wss:// server the person
 * chooses; no plugins; never framed by another page (clickjacking).
 * @param {string} indexHtml
 */
export function contentSecurityPolicy(indexHtml) {
	const hashes = [...indexHtml.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gu)].map(
		([, body]) => `'sha256-${crypto.createHash('sha256').update(body).digest('base64')}'`
	);
	return [
		"default-src 'self'",
		`script-src 'self' ${hashes.join(' ')}`.trim(),
		// Svelte sets style attributes (the virtual lists' positions): those need 'unsafe-inline'.
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data:",
		"connect-src 'self' ws: wss:",
		// The heartbeat's clock runs in a worker made from a blob (src/lib/presence/worker-ticker.ts).
		"worker-src 'self' blob:",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'"
	].join('; ');
}

/**
 * `base`: the sub-path the app was built for (SWITCHBOARD_BASE_PATH), as a static host would serve it;
 * anything outside it is not found.
 * @param {{ dir: string, port: number, host: string, base?: string }} options
 * @returns {Promise<http.Server>}
 */
export function serveApp({ dir, port, host, base = '' }) {
	const root = path.resolve(dir);
	const headers = {
		'content-security-policy': contentSecurityPolicy(fs.readFileSync(path.join(root, 'index.html'), 'utf8')),
		'x-content-type-options': 'nosniff',
		'x-frame-options': 'DENY',
		'referrer-policy': 'no-referrer',
		'cross-origin-opener-policy': 'same-origin'
	};
	const files = sirv(root, {
		single: true,
		dev: false,
		etag: true,
		setHeaders: (response, pathname) => {
			response.setHeader(
				'cache-control',
				pathname.startsWith('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache'
			);
		}
	});
	const server = http.createServer((request, response) => {
		for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
		if (request.method !== 'GET' && request.method !== 'HEAD') {
			response.writeHead(405, { allow: 'GET, HEAD' }).end('Only GET and HEAD.');
			return;
		}
		const url = request.url ?? '/';
		if (base && url !== base && !url.startsWith(`${base}/`) && !url.startsWith(`${base}?`)) {
			response.writeHead(404).end('Not found.');
			return;
		}
		// What the build sees is a path from its root: /demo?x → /?x, /demo/a → /a.
		if (base) request.url = `/${url.slice(base.length).replace(/^\//, '')}`;
		files(request, response, () => {
			response.writeHead(404).end('Not found.');
		});
	});
	// A client that sends garbage or hangs up must not take the server down with it.
	server.on('clientError', (_error, socket) => socket.destroy());
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(server));
	});
}
