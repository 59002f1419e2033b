/** Serves the built single-page app: files as they are, any other path gets index.html. */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.txt': 'text/plain; charset=utf-8',
	'.webmanifest': 'application/manifest+json'
};

/**
 * @param {{ dir: string, port: number, host: string }} options
 * @returns {Promise<http.Server>}
 */
export function serveApp({ dir, port, host }) {
	const root = path.resolve(dir);
	const fallback = path.join(root, 'index.html');
	const server = http.createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		let file = path.join(root, decodeURIComponent(url.pathname));
		if (!file.startsWith(root)) {
			response.writeHead(400).end('Bad path');
			return;
		}
		if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = fallback;
		const type = TYPES[/** @type {keyof typeof TYPES} */ (path.extname(file))] ?? 'application/octet-stream';
		const immutable = url.pathname.startsWith('/_app/immutable/');
		response.writeHead(200, {
			'content-type': type,
			'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
			'x-content-type-options': 'nosniff'
		});
		if (request.method === 'HEAD') response.end();
		else fs.createReadStream(file).pipe(response);
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(server));
	});
}
