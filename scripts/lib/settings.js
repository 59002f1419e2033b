/**
 * The settings `npm start` and the tests share: ports, interface and data folder, from SWITCHBOARD_*
 * environment variables with documented defaults.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const NATS_CONFIG = path.join(ROOT, 'nats/switchboard.conf');

/** Each setting: its variable, its default, and what it is for (printed in errors). */
export const SETTINGS = {
	httpPort: { variable: 'SWITCHBOARD_HTTP_PORT', fallback: 4280, what: 'the app (HTTP)' },
	wsPort: { variable: 'SWITCHBOARD_WS_PORT', fallback: 4223, what: 'the NATS WebSocket listener' },
	natsPort: { variable: 'SWITCHBOARD_NATS_PORT', fallback: 4222, what: 'the NATS client port' },
	monitorPort: { variable: 'SWITCHBOARD_MONITOR_PORT', fallback: 8222, what: 'NATS monitoring' }
};

export class SettingsError extends Error {
	name = 'SettingsError';
}

/**
 * @typedef {{ httpPort: number, wsPort: number, natsPort: number, monitorPort: number, host: string, dataDir: string }} Settings
 */

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {Settings}
 */
export function readSettings(env = process.env) {
	/** @type {Record<string, number>} */
	const ports = {};
	for (const [key, { variable, fallback }] of Object.entries(SETTINGS)) {
		const raw = env[variable];
		const port = raw === undefined || raw === '' ? fallback : Number(raw);
		if (!Number.isInteger(port) || port < 1 || port > 65535) {
			throw new SettingsError(`${variable}=${raw} is not a port number: use a whole number from 1 to 65535.`);
		}
		ports[key] = port;
	}
	const seen = new Map();
	for (const [key, port] of Object.entries(ports)) {
		const variable = SETTINGS[/** @type {keyof typeof SETTINGS} */ (key)].variable;
		if (seen.has(port)) {
			throw new SettingsError(`${seen.get(port)} and ${variable} are both ${port}: give each its own port.`);
		}
		seen.set(port, variable);
	}
	return {
		httpPort: ports.httpPort,
		wsPort: ports.wsPort,
		natsPort: ports.natsPort,
		monitorPort: ports.monitorPort,
		host: env.SWITCHBOARD_HOST || '127.0.0.1',
		dataDir: path.resolve(ROOT, env.SWITCHBOARD_DATA_DIR || 'data')
	};
}

/**
 * The password of the server's admin user (nats/access.conf), who alone may change Switchboard's
 * storage: SWITCHBOARD_ADMIN_PASSWORD, else one made at random on first start and kept in the data
 * folder (readable by its owner only), so `npx switchboard setup` can be run again later with it.
 * @param {Settings} settings
 */
export function adminPassword(settings, env = process.env) {
	if (env.SWITCHBOARD_ADMIN_PASSWORD) {
		// nats-server reads a variable's value as a configuration token: "1abc" is a number, "a_b" breaks.
		if (!/^[A-Za-z][A-Za-z0-9]{11,}$/.test(env.SWITCHBOARD_ADMIN_PASSWORD)) {
			throw new SettingsError(
				'SWITCHBOARD_ADMIN_PASSWORD must be at least 12 letters and digits, starting with a letter (nats-server cannot read other values from the environment), e.g. sb$(openssl rand -hex 16).'
			);
		}
		return env.SWITCHBOARD_ADMIN_PASSWORD;
	}
	const file = path.join(settings.dataDir, 'admin-password');
	try {
		return fs.readFileSync(file, 'utf8').trim();
	} catch {
		fs.mkdirSync(settings.dataDir, { recursive: true });
		// Letters and digits, starting with a letter: the only values nats-server reads back as a string.
		const password = `sb${crypto.randomBytes(20).toString('hex')}`;
		fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
		return password;
	}
}

/**
 * The environment nats/switchboard.conf reads its $VARIABLES from.
 * @param {Settings} settings
 * @param {string} [password] the admin's; by default adminPassword(settings)
 */
export function natsEnvironment(settings, password = adminPassword(settings)) {
	return {
		SWITCHBOARD_ADMIN_PASSWORD: password,
		SWITCHBOARD_HOST: settings.host,
		SWITCHBOARD_NATS_PORT: String(settings.natsPort),
		SWITCHBOARD_WS_PORT: String(settings.wsPort),
		SWITCHBOARD_MONITOR_PORT: String(settings.monitorPort),
		SWITCHBOARD_DATA_DIR: settings.dataDir
	};
}

/**
 * The host name to print in URLs: loopback and "all interfaces" are both reachable as localhost here.
 * @param {string} host
 */
export function displayHost(host) {
	return host === '0.0.0.0' || host === '::' || host === '127.0.0.1' ? 'localhost' : host;
}
