/**
 * Stops a child process by its own pid: SIGTERM, then SIGKILL if it has not exited in time.
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} graceMs
 * @param {NodeJS.Signals} signal
 */
export async function stopProcess(child, graceMs = 5_000, signal = 'SIGTERM') {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill(signal);
	const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
}

/**
 * What a long-running command stops on Ctrl-C, SIGTERM or a fatal error: cleanups run newest first,
 * once, then the process exits with the code given.
 */
export function exitCleanly() {
	/** @type {Array<() => Promise<void>>} */
	const cleanups = [];
	let stopping = false;
	/** @param {number} code */
	const shutdown = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));
	return {
		/** @param {() => Promise<void>} cleanup */
		onExit: (cleanup) => void cleanups.push(cleanup),
		shutdown,
		isStopping: () => stopping
	};
}
