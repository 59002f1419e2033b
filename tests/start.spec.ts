/** `npm start` as a newcomer meets it: clear errors before anything is started. */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../scripts/lib/ports.js';
import { readSettings } from '../scripts/lib/settings.js';

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
