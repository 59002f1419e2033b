import net from 'node:net';
import { SETTINGS } from './settings.js';

export class PortInUseError extends Error {
	name = 'PortInUseError';
}

/**
 * Resolves when the port can be bound on this host; rejects with the bind error otherwise.
 * @param {number} port
 * @param {string} host
 */
function tryBind(port, host) {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
	});
}

/**
 * Checks every port before anything starts, so a clash names the variable to change.
 * @param {import('./settings.js').Settings} settings
 */
export async function assertPortsFree(settings) {
	for (const [key, { variable, what }] of Object.entries(SETTINGS)) {
		const port = settings[/** @type {keyof typeof SETTINGS} */ (key)];
		try {
			await tryBind(port, settings.host);
		} catch (error) {
			const code = /** @type {NodeJS.ErrnoException} */ (error).code;
			if (code === 'EADDRINUSE') {
				throw new PortInUseError(
					`Port ${port} (${variable}, ${what}) is already in use — perhaps Switchboard or another nats-server is running.\n` +
						`Stop that program, or pick a free port: ${variable}=${port + 1000} npm start`
				);
			}
			if (code === 'EACCES') {
				throw new PortInUseError(
					`Port ${port} (${variable}) needs privileges here: pick a port above 1024, e.g. ${variable}=${port + 4000}.`
				);
			}
			throw error;
		}
	}
}

/** A port the OS says is free right now, for tests. */
export function findFreePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/**
 * Resolves once something accepts TCP connections on the port.
 * @param {number} port
 * @param {string} host
 * @param {number} timeoutMs
 */
export async function waitForPort(port, host, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const open = await new Promise((resolve) => {
			const socket = net.connect({ port, host }, () => {
				socket.end();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`Nothing answered on ${host}:${port} within ${timeoutMs / 1000} s.`);
}
