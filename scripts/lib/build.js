/** Builds the app when the build is missing or older than its sources. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './settings.js';

export const BUILD_DIR = path.join(ROOT, 'build');
const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json', 'package-lock.json'];

/** @param {string} file */
function newestChange(file) {
	if (!fs.existsSync(file)) return 0;
	const stat = fs.statSync(file);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const entry of fs.readdirSync(file)) newest = Math.max(newest, newestChange(path.join(file, entry)));
	return newest;
}

export function buildIsStale() {
	const index = path.join(BUILD_DIR, 'index.html');
	if (!fs.existsSync(index)) return true;
	const built = fs.statSync(index).mtimeMs;
	return SOURCES.some((source) => newestChange(path.join(ROOT, source)) > built);
}

export function buildApp() {
	const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
	if (!fs.existsSync(vite)) {
		throw new Error('The build tools are missing: run npm install first, then npm start.');
	}
	// The build's own chatter (what it wrote, how to preview) is kept back; a failure shows all of it.
	const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
		cwd: ROOT,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024
	});
	if (result.status !== 0) {
		process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
		throw new Error(`Building the app failed (exit ${result.status}); the build's output is above.`);
	}
}

/** Builds unless the build is current; returns whether it built. */
export function ensureBuild() {
	if (!buildIsStale()) return false;
	console.log('Building the app (on the first start and after a change; about a minute)…');
	buildApp();
	return true;
}
