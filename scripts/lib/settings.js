/**
 * The settings `npm start` and the tests share: ports, interface and data folder, from SWITCHBOARD_*
 * environment variables with documented defaults.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
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
 * `origins`: more web origins (besides the app's own) whose pages may open browser connections.
 * @typedef {{ httpPort: number, wsPort: number, natsPort: number, monitorPort: number, host: string, dataDir: string, origins?: string[] }} Settings
 */

/**
 * SWITCHBOARD_ORIGINS: a comma-separated list of web origins (`https://switchboard.example.com`)
 * whose pages may also connect, say behind a reverse proxy. Each must be a bare origin.
 * @param {string | undefined} raw
 * @returns {string[]}
 */
export function readOrigins(raw) {
	if (!raw?.trim()) return [];
	return raw
		.split(',')
		.map((entry) => entry.trim())
		.filter(Boolean)
		.map((entry) => {
			let url;
			try {
				url = new URL(entry);
			} catch {
				url = null;
			}
			if (!url || !/^https?:$/.test(url.protocol) || url.origin !== entry.replace(/\/$/, '')) {
				throw new SettingsError(
					`SWITCHBOARD_ORIGINS: "${entry}" is not a web origin. Give scheme, host and port only, comma-separated, e.g. SWITCHBOARD_ORIGINS=https://switchboard.example.com,http://10.0.0.5:4280`
				);
			}
			return url.origin;
		});
}

/**
 * The web origins whose pages nats-server lets open a WebSocket (its `allowed_origins`): the app as
 * `npm start` serves it, under every name this machine answers to on the configured interface, and
 * SWITCHBOARD_ORIGINS. A page from anywhere else is refused, so a web page open in the same browser
 * cannot drive the bus. Clients that send no Origin (agents, the CLI) are not browsers and are not
 * affected.
 *
 * nats-server keeps one origin per host name (the last listed wins), so the list has one per host:
 * an origin in SWITCHBOARD_ORIGINS on a name the app also uses (`http://localhost:5173`, the dev
 * server) takes that name over; `replacedAppOrigins` says which, so `npm start` can tell the person.
 * @param {Settings} settings
 * @returns {string[]}
 */
export function allowedOrigins(settings) {
	/** @type {Map<string, string>} */
	const byHost = new Map();
	for (const origin of [...appOrigins(settings), ...(settings.origins ?? [])])
		byHost.set(new URL(origin).hostname, origin);
	return [...byHost.values()];
}

/**
 * The app's own origins that an origin in SWITCHBOARD_ORIGINS on the same host name replaced.
 * @param {Settings} settings
 * @returns {Array<{ origin: string, by: string }>}
 */
export function replacedAppOrigins(settings) {
	const allowed = allowedOrigins(settings);
	return appOrigins(settings)
		.filter((origin) => !allowed.includes(origin))
		.map((origin) => ({
			origin,
			by: /** @type {string} */ (allowed.find((o) => new URL(o).hostname === new URL(origin).hostname))
		}));
}

/**
 * The origins of the app's pages: `http://{name}:{httpPort}` for each name this machine answers to
 * on the interface it listens on (none when the app is not served, httpPort 0).
 * @param {Settings} settings
 * @returns {string[]}
 */
export function appOrigins(settings) {
	if (!(settings.httpPort > 0)) return [];
	const names = new Set(['localhost', '127.0.0.1', '[::1]']);
	if (settings.host === '0.0.0.0' || settings.host === '::') {
		names.add(os.hostname());
		for (const addresses of Object.values(os.networkInterfaces()))
			for (const address of addresses ?? []) {
				if (address.internal) continue;
				names.add(address.family === 'IPv6' ? `[${address.address.split('%')[0]}]` : address.address);
			}
	} else {
		names.add(settings.host.includes(':') ? `[${settings.host}]` : settings.host);
	}
	return [...names].map((name) => `http://${name}:${settings.httpPort}`);
}

/**
 * A list in nats-server's configuration syntax, for a variable its configuration reads whole.
 * @param {string[]} values
 */
export function natsList(values) {
	return `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;
}

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
		dataDir: path.resolve(ROOT, env.SWITCHBOARD_DATA_DIR || 'data'),
		origins: readOrigins(env.SWITCHBOARD_ORIGINS)
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
		SWITCHBOARD_DATA_DIR: settings.dataDir,
		SWITCHBOARD_ALLOWED_ORIGINS: natsList(allowedOrigins(settings))
	};
}

/**
 * The host name to print in URLs: loopback and "all interfaces" are both reachable as localhost here.
 * @param {string} host
 */
export function displayHost(host) {
	return host === '0.0.0.0' || host === '::' || host === '127.0.0.1' ? 'localhost' : host;
}

/**
 * The host name to print in the app's URL: as displayHost, unless SWITCHBOARD_ORIGINS took that name
 * over (then another name the app's pages may connect from).
 * @param {Settings} settings
 */
export function appHostName(settings) {
	const preferred = displayHost(settings.host);
	const allowed = allowedOrigins(settings);
	if (allowed.includes(`http://${preferred}:${settings.httpPort}`)) return preferred;
	const other = appOrigins(settings).find((origin) => allowed.includes(origin));
	return other ? new URL(other).hostname : preferred;
}

/**
 * What `npm start` says when SWITCHBOARD_ORIGINS took over a name the app's pages use.
 * @param {Settings} settings
 * @returns {string[]}
 */
export function originNotes(settings) {
	return replacedAppOrigins(settings).map(
		({ origin, by }) =>
			`SWITCHBOARD_ORIGINS lets pages from ${by} connect instead of ${origin}: nats-server allows one origin per host name. Open the app at http://${appHostName(settings)}:${settings.httpPort}.`
	);
}
