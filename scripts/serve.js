#!/usr/bin/env node
/** Serves an existing build only (the Docker image's entry point); `npm start` does this and more. */
import { BUILD_DIR } from './lib/build.js';
import { serveApp } from './lib/static-server.js';
import { readSettings } from './lib/settings.js';

const settings = readSettings();
const server = await serveApp({ dir: BUILD_DIR, port: settings.httpPort, host: settings.host });
console.log(`Switchboard app on http://${settings.host}:${settings.httpPort}`);
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
