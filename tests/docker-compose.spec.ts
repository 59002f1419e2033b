/** There is no Docker engine here: check that docker-compose.yml stays consistent with nats/ and npm start. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NATS_CONFIG, ROOT, SETTINGS } from '../scripts/lib/settings.js';

interface Service {
	image?: string;
	entrypoint?: string[];
	build?: string | { context: string; target: string };
	command?: string[];
	depends_on?: Record<string, { condition: string }>;
	environment?: Record<string, string>;
	ports?: string[];
	volumes?: string[];
	healthcheck?: { test: string[] };
}

const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
	services: Record<string, Service>;
};
const uncommented = (file: string) => fs.readFileSync(file, 'utf8').replace(/#.*$/gm, '');
/** Every file the configuration includes, relative to its folder. */
const included = [...uncommented(NATS_CONFIG).matchAll(/^\s*include\s+(\S+)/gm)].map((m) =>
	path.join(path.dirname(NATS_CONFIG), m[1])
);
/** The configuration as the server reads it: with what it includes. */
const config = [uncommented(NATS_CONFIG), ...included.map(uncommented)].join('\n');
const { nats, app, setup } = compose.services;
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

/** `${HOST:-127.0.0.1}:${VAR:-4222}:4222` → { variable, fallback, container } */
function readPort(mapping: string) {
	const match = /^\$\{SWITCHBOARD_HOST:-127\.0\.0\.1\}:\$\{(\w+):-(\d+)\}:(\d+)$/.exec(mapping);
	if (!match) throw new Error(`unexpected port mapping ${mapping}`);
	return { variable: match[1], fallback: Number(match[2]), container: Number(match[3]) };
}

describe('docker-compose.yml', () => {
	it('runs an official NATS image of 2.10 or later', () => {
		const match = /^nats:(\d+)\.(\d+)/.exec(nats.image ?? '');
		expect(match, nats.image).not.toBeNull();
		expect(Number(match![1]) * 100 + Number(match![2])).toBeGreaterThanOrEqual(210);
	});

	it('mounts the nats/ folder, so the configuration is read with the files it includes', () => {
		const target = nats.command![nats.command!.indexOf('-c') + 1];
		expect(target).toBe('/etc/nats/switchboard.conf');
		expect(nats.volumes).toContain('./nats:/etc/nats:ro');
		expect(included.map((file) => path.relative(ROOT, file))).toEqual([
			'nats/listeners.conf',
			'nats/access.conf'
		]);
		for (const file of included) expect(fs.existsSync(file), file).toBe(true);
	});

	it('sets every variable the configuration and its includes read', () => {
		const text = config;
		const used = [...text.matchAll(/\$(SWITCHBOARD_\w+)/g)].map((m) => m[1]);
		expect(used).toContain('SWITCHBOARD_ADMIN_PASSWORD');
		expect(used.length).toBeGreaterThan(0);
		for (const variable of used) expect(nats.environment, variable).toHaveProperty(variable);
	});

	it('publishes the ports npm start uses, with the same variables and defaults', () => {
		const mapped = [...nats.ports!, ...app.ports!].map(readPort);
		for (const { variable, fallback } of Object.values(SETTINGS)) {
			const mapping = mapped.find((m) => m.variable === variable);
			expect(mapping, variable).toBeDefined();
			expect(mapping!.fallback, variable).toBe(fallback);
		}
		for (const mapping of mapped.filter((m) => m.variable !== 'SWITCHBOARD_HTTP_PORT')) {
			expect(String(mapping.container)).toBe(nats.environment![mapping.variable]);
		}
		expect(readPort(app.ports![0]).container).toBe(Number(app.environment!.SWITCHBOARD_HTTP_PORT));
	});

	it('keeps JetStream data in the data folder', () => {
		expect(nats.volumes).toContain(
			`\${SWITCHBOARD_DATA_DIR:-./data}:${nats.environment!.SWITCHBOARD_DATA_DIR}`
		);
	});

	it('checks health on the monitoring port', () => {
		expect(nats.healthcheck!.test.join(' ')).toContain(
			`localhost:${nats.environment!.SWITCHBOARD_MONITOR_PORT}/healthz`
		);
	});

	it('provisions the storage as the admin before the app starts, and requires the admin password', () => {
		expect(setup.command).toEqual(['node', 'bin/switchboard.js', 'setup']);
		// The build stage holds the sources, bin/ and node_modules (with tsx) the command needs.
		expect(setup.build).toEqual({ context: '.', target: 'build' });
		expect(dockerfile).toMatch(/FROM node:\S+ AS build[\s\S]*RUN npm ci[\s\S]*COPY \. \./u);
		expect(setup.environment).toMatchObject({
			NATS_URL: `nats://nats:${nats.environment!.SWITCHBOARD_NATS_PORT}`,
			NATS_USER: 'admin'
		});
		expect(setup.environment!.NATS_PASSWORD).toBe(nats.environment!.SWITCHBOARD_ADMIN_PASSWORD);
		expect(nats.environment!.SWITCHBOARD_ADMIN_PASSWORD).toMatch(/^\$\{SWITCHBOARD_ADMIN_PASSWORD:\?.+\}$/u);
		expect(setup.depends_on).toEqual({ nats: { condition: 'service_healthy' } });
		expect(app.depends_on).toEqual({ setup: { condition: 'service_completed_successfully' } });
	});

	it('lets only the app’s pages open browser connections, as npm start does', () => {
		expect(config).toMatch(/websocket\s*\{[^}]*allowed_origins:\s*\$SWITCHBOARD_ALLOWED_ORIGINS/s);
		expect(nats.entrypoint).toEqual(['/bin/sh', '/etc/nats/docker-entrypoint.sh']);
		expect(fs.existsSync(path.join(ROOT, 'nats/docker-entrypoint.sh'))).toBe(true);
		// The app's host port, the person's extra origins, or a whole list (npm start's fallback).
		expect(nats.environment).toMatchObject({
			SWITCHBOARD_HTTP_PORT: '${SWITCHBOARD_HTTP_PORT:-4280}',
			SWITCHBOARD_ORIGINS: '${SWITCHBOARD_ORIGINS:-}',
			SWITCHBOARD_ALLOWED_ORIGINS: '${SWITCHBOARD_ALLOWED_ORIGINS:-}'
		});
	});

	it('configures a plain WebSocket listener, as the server requires', () => {
		expect(config).toMatch(/websocket\s*\{[^}]*port:\s*\$SWITCHBOARD_WS_PORT[^}]*no_tls:\s*true/s);
	});
});
