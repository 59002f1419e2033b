/** There is no Docker engine here: check that docker-compose.yml stays consistent with nats/ and npm start. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NATS_CONFIG, ROOT, SETTINGS } from '../scripts/lib/settings.js';

interface Service {
	image?: string;
	build?: string;
	command?: string[];
	environment?: Record<string, string>;
	ports?: string[];
	volumes?: string[];
	healthcheck?: { test: string[] };
}

const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
	services: Record<string, Service>;
};
const config = fs.readFileSync(NATS_CONFIG, 'utf8').replace(/#.*$/gm, '');
const { nats, app } = compose.services;

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

	it('mounts nats/switchboard.conf where the command reads it', () => {
		const target = nats.command![nats.command!.indexOf('-c') + 1];
		expect(nats.volumes).toContain(`./nats/switchboard.conf:${target}:ro`);
	});

	it('sets every variable the configuration reads', () => {
		const used = [...config.matchAll(/\$(SWITCHBOARD_\w+)/g)].map((m) => m[1]);
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

	it('configures a plain WebSocket listener, as the server requires', () => {
		expect(config).toMatch(/websocket\s*\{[^}]*port:\s*\$SWITCHBOARD_WS_PORT[^}]*no_tls:\s*true/s);
	});
});
