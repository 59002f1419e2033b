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
/** A team's hub (SWITCHBOARD_LEAF_PORT set) and a person's leaf server (npm run leaf). */
export const HUB_CONFIG = path.join(ROOT, 'nats/hub.conf');
export const LEAF_CONFIG = path.join(ROOT, 'nats/leafnode.conf');

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
 * `leafPort`: this server is a team's hub, and leaf nodes connect on this port (nats/hub.conf).
 * `hubUrl`: this server is a leaf node of the hub at this URL (nats/leafnode.conf).
 * @typedef {{ httpPort: number, wsPort: number, natsPort: number, monitorPort: number, host: string, dataDir: string, origins?: string[], leafPort?: number, hubUrl?: string }} Settings
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
	const leafPort = env.SWITCHBOARD_LEAF_PORT ? Number(env.SWITCHBOARD_LEAF_PORT) : undefined;
	if (leafPort !== undefined) {
		if (!Number.isInteger(leafPort) || leafPort < 1 || leafPort > 65535) {
			throw new SettingsError(
				`SWITCHBOARD_LEAF_PORT=${env.SWITCHBOARD_LEAF_PORT} is not a port number: use a whole number from 1 to 65535 (7422 is usual).`
			);
		}
		if (seen.has(leafPort)) {
			throw new SettingsError(
				`${seen.get(leafPort)} and SWITCHBOARD_LEAF_PORT are both ${leafPort}: give each its own port.`
			);
		}
	}
	const hubUrl = readHubUrl(env.SWITCHBOARD_HUB_URL);
	if (leafPort !== undefined && hubUrl) {
		throw new SettingsError(
			'SWITCHBOARD_LEAF_PORT makes this server a hub and SWITCHBOARD_HUB_URL makes it a leaf of another: set one of them.'
		);
	}
	return {
		httpPort: ports.httpPort,
		wsPort: ports.wsPort,
		natsPort: ports.natsPort,
		monitorPort: ports.monitorPort,
		host: env.SWITCHBOARD_HOST || '127.0.0.1',
		dataDir: path.resolve(ROOT, env.SWITCHBOARD_DATA_DIR || 'data'),
		origins: readOrigins(env.SWITCHBOARD_ORIGINS),
		...(leafPort !== undefined ? { leafPort } : {}),
		...(hubUrl ? { hubUrl } : {})
	};
}

/**
 * The hub's leaf node URL, as the hub printed it: nats-leaf://leaf:<password>@host:port (tls:// and
 * ws(s):// leaf URLs work too).
 * @param {string | undefined} raw
 * @returns {string | undefined}
 */
export function readHubUrl(raw) {
	if (!raw?.trim()) return undefined;
	let url;
	try {
		url = new URL(raw.trim());
	} catch {
		url = null;
	}
	if (!url || !['nats-leaf:', 'nats:', 'tls:', 'ws:', 'wss:'].includes(url.protocol) || !url.port) {
		throw new SettingsError(
			`"${raw}" is not a hub's leaf node URL. Use the one the hub printed, like nats-leaf://leaf:PASSWORD@hub.example.com:7422`
		);
	}
	return url.href.replace(/\/$/, '');
}

/** The nats-server configuration for these settings: a hub's, a leaf's, or the standalone one. */
export function configFor(/** @type {Settings} */ settings) {
	return settings.hubUrl ? LEAF_CONFIG : settings.leafPort !== undefined ? HUB_CONFIG : NATS_CONFIG;
}

/**
 * The password of the server's admin user (nats/access.conf), who alone may change Switchboard's
 * storage: SWITCHBOARD_ADMIN_PASSWORD, else one made at random on first start and kept in the data
 * folder (readable by its owner only), so `npx switchboard setup` can be run again later with it.
 * @param {Settings} settings
 */
export function adminPassword(settings, env = process.env) {
	return keptSecret(settings, 'SWITCHBOARD_ADMIN_PASSWORD', 'admin-password', env);
}

/**
 * The password leaf nodes give a hub: SWITCHBOARD_LEAF_PASSWORD, or a random one kept in
 * <data folder>/leaf-password (mode 600).
 * @param {Settings} settings
 */
export function leafPassword(settings, env = process.env) {
	return keptSecret(settings, 'SWITCHBOARD_LEAF_PASSWORD', 'leaf-password', env);
}

/**
 * A secret from `variable`, else one made once and kept in the data folder as `fileName`.
 * @param {Settings} settings
 * @param {string} variable
 * @param {string} fileName
 * @param {NodeJS.ProcessEnv} env
 */
function keptSecret(settings, variable, fileName, env) {
	const given = env[variable];
	if (given) {
		// nats-server reads a variable's value as a configuration token: "1abc" is a number, "a_b" breaks.
		if (!/^[A-Za-z][A-Za-z0-9]{11,}$/.test(given)) {
			throw new SettingsError(
				`${variable} must be at least 12 letters and digits, starting with a letter (nats-server cannot read other values from the environment), e.g. sb$(openssl rand -hex 16).`
			);
		}
		return given;
	}
	const file = path.join(settings.dataDir, fileName);
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
		SWITCHBOARD_ALLOWED_ORIGINS: natsList(allowedOrigins(settings)),
		...(settings.leafPort !== undefined
			? {
					SWITCHBOARD_LEAF_PORT: String(settings.leafPort),
					SWITCHBOARD_LEAF_PASSWORD: leafPassword(settings)
				}
			: {}),
		...(settings.hubUrl
			? { SWITCHBOARD_HUB_URL: settings.hubUrl, SWITCHBOARD_SERVER_NAME: leafServerName() }
			: {})
	};
}

/** A leaf's own name on the hub: this machine's, as a NATS server name allows. */
export function leafServerName() {
	return `switchboard-${os
		.hostname()
		.toLowerCase()
		.replace(/[^a-z0-9-]+/gu, '-')}`.slice(0, 60);
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
