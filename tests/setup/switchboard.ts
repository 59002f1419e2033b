/**
 * Playwright global setup: runs Switchboard exactly as a person does (`npm start`'s script) on free
 * ports, and on teardown stops it with SIGTERM and checks it left no nats-server behind.
 */
import { startSwitchboard } from '../helpers/switchboard';

export default async function setup() {
	const switchboard = await startSwitchboard();
	process.env.SWITCHBOARD_TEST_APP_URL = switchboard.app;
	process.env.SWITCHBOARD_TEST_WS_URL = switchboard.ws;
	process.env.SWITCHBOARD_TEST_NATS_URL = switchboard.nats;

	return async () => {
		await switchboard.stop();
		if (isAlive(switchboard.natsPid)) {
			process.kill(switchboard.natsPid, 'SIGKILL');
			throw new Error(`npm start left nats-server (pid ${switchboard.natsPid}) running after SIGTERM.`);
		}
	};
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
