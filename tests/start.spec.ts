/** `npm start` as a newcomer meets it: clear errors before anything is started. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../scripts/lib/ports.js';
import {
	adminPassword,
	allowedOrigins,
	configFor,
	appHostName,
	originNotes,
	readSettings
} from '../scripts/lib/settings.js';

function runStart(env: Record<string, string>) {
	return spawnSync(process.execPath, ['scripts/start.js'], {
		env: { ...process.env, ...env },
		encoding: 'utf8',
		timeout: 30_000
	});
}

describe('npm start', () => {
	it('names the variable to change when a port is taken, and starts nothing', async () => {
		const blocker = net.createServer();
		const port = await findFreePort();
		await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
		try {
			const ports = { http: await findFreePort(), ws: await findFreePort(), monitor: await findFreePort() };
			const result = runStart({
				SWITCHBOARD_NATS_PORT: String(port),
				SWITCHBOARD_HTTP_PORT: String(ports.http),
				SWITCHBOARD_WS_PORT: String(ports.ws),
				SWITCHBOARD_MONITOR_PORT: String(ports.monitor)
			});
			expect(result.status).toBe(1);
			expect(result.stderr).toContain(
				`Port ${port} (SWITCHBOARD_NATS_PORT, the NATS client port) is already in use`
			);
			expect(result.stderr).toContain(`SWITCHBOARD_NATS_PORT=${port + 1000} npm start`);
			expect(result.stdout).not.toContain('Switchboard is running');
		} finally {
			blocker.close();
		}
	});

	it('refuses a port that is not a number', () => {
		const result = runStart({ SWITCHBOARD_WS_PORT: 'abc' });
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('SWITCHBOARD_WS_PORT=abc is not a port number');
	});

	it('npm run leaf asks which hub, and refuses a URL that is not a leaf node URL', () => {
		const noHub = spawnSync(process.execPath, ['scripts/start.js', '--leaf'], {
			encoding: 'utf8',
			timeout: 30_000
		});
		expect(noHub.status).toBe(1);
		expect(noHub.stderr).toContain('Which hub? Give its leaf node URL');
		expect(noHub.stderr).toContain('npm run leaf -- --hub nats-leaf://leaf:PASSWORD@hub.example.com:7422');
		const bad = spawnSync(process.execPath, ['scripts/start.js', '--leaf', '--hub', 'hub.example.com'], {
			encoding: 'utf8',
			timeout: 30_000
		});
		expect(bad.status).toBe(1);
		expect(bad.stderr).toContain('"hub.example.com" is not a hub\'s leaf node URL');
		const both = runStart({ SWITCHBOARD_LEAF_PORT: '7422', SWITCHBOARD_HUB_URL: 'nats-leaf://h:7422' });
		expect(both.status).toBe(1);
		expect(both.stderr).toContain('set one of them');
	});

	it('runs a hub, a leaf or a single server from the settings', () => {
		const base = { SWITCHBOARD_DATA_DIR: os.tmpdir() };
		expect(path.basename(configFor(readSettings(base)))).toBe('switchboard.conf');
		expect(path.basename(configFor(readSettings({ ...base, SWITCHBOARD_LEAF_PORT: '7422' })))).toBe(
			'hub.conf'
		);
		const leaf = readSettings({ ...base, SWITCHBOARD_HUB_URL: 'nats-leaf://leaf:pw@hub.example.com:7422' });
		expect(path.basename(configFor(leaf))).toBe('leafnode.conf');
		expect(leaf.hubUrl).toBe('nats-leaf://leaf:pw@hub.example.com:7422');
	});

	it('refuses an extra origin that is not one, and says what works', () => {
		const result = runStart({ SWITCHBOARD_ORIGINS: 'switchboard.example.com/app' });
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('SWITCHBOARD_ORIGINS: "switchboard.example.com/app" is not a web origin');
		expect(result.stderr).toContain('SWITCHBOARD_ORIGINS=https://switchboard.example.com');
	});
});

describe('the origins whose pages may connect (allowed_origins)', () => {
	it('are the app’s own, by every local name, and nothing else by default', () => {
		expect(allowedOrigins(readSettings({ SWITCHBOARD_HTTP_PORT: '4380' }))).toEqual([
			'http://localhost:4380',
			'http://127.0.0.1:4380',
			'http://[::1]:4380'
		]);
		// Listening on a named interface adds that name.
		expect(allowedOrigins(readSettings({ SWITCHBOARD_HOST: '10.1.2.3' }))).toContain('http://10.1.2.3:4280');
	});

	it('add SWITCHBOARD_ORIGINS, one per host name as nats-server keeps them; the app’s URL moves to a name still allowed', () => {
		const settings = readSettings({
			SWITCHBOARD_ORIGINS: 'https://switchboard.example.com, http://localhost:5173/'
		});
		expect(allowedOrigins(settings)).toEqual([
			'http://localhost:5173',
			'http://127.0.0.1:4280',
			'http://[::1]:4280',
			'https://switchboard.example.com'
		]);
		expect(appHostName(settings)).toBe('127.0.0.1');
		expect(originNotes(settings)).toEqual([
			'SWITCHBOARD_ORIGINS lets pages from http://localhost:5173 connect instead of http://localhost:4280: nats-server allows one origin per host name. Open the app at http://127.0.0.1:4280.'
		]);
		expect(appHostName(readSettings({}))).toBe('localhost');
	});
});

describe('readSettings', () => {
	it('has documented defaults', () => {
		expect(readSettings({})).toMatchObject({
			httpPort: 4280,
			wsPort: 4223,
			natsPort: 4222,
			monitorPort: 8222,
			host: '127.0.0.1',
			dataDir: expect.stringMatching(/data$/)
		});
	});

	it('refuses two services on one port', () => {
		expect(() => readSettings({ SWITCHBOARD_WS_PORT: '4222' })).toThrow(
			'SWITCHBOARD_WS_PORT and SWITCHBOARD_NATS_PORT are both 4222'
		);
	});
});

describe('the admin password', () => {
	const settings = () => ({
		...readSettings({}),
		dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-admin-'))
	});

	it('is made once per data folder, readable by its owner only, in a form nats-server reads back', () => {
		for (let i = 0; i < 20; i++) {
			const folder = settings();
			const password = adminPassword(folder, {});
			expect(password).toMatch(/^[A-Za-z][A-Za-z0-9]{11,}$/u);
			expect(adminPassword(folder, {})).toBe(password);
			expect(fs.statSync(path.join(folder.dataDir, 'admin-password')).mode & 0o077).toBe(0);
			fs.rmSync(folder.dataDir, { recursive: true });
		}
	});

	it('refuses a chosen password nats-server would misread, and says what works', () => {
		const folder = settings();
		expect(() => adminPassword(folder, { SWITCHBOARD_ADMIN_PASSWORD: '1234abcd_efgh' })).toThrow(
			/SWITCHBOARD_ADMIN_PASSWORD must be at least 12 letters and digits, starting with a letter/u
		);
		expect(adminPassword(folder, { SWITCHBOARD_ADMIN_PASSWORD: 'sbA1b2c3d4e5f6' })).toBe('sbA1b2c3d4e5f6');
		fs.rmSync(folder.dataDir, { recursive: true });
	});
});
