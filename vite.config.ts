import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	// The bundler's report of slow plugins is for people tuning the build, not for npm start.
	build: { rolldownOptions: { checks: { pluginTimings: false } } },
	test: {
		include: ['src/**/*.spec.ts', 'tests/**/*.spec.ts'],
		// Integration tests run browser-side code in Node: Node 20 has WebSocket only behind this flag.
		execArgv: ['--experimental-websocket'],
		globalSetup: ['tests/setup/nats-server.ts'],
		testTimeout: 20_000,
		hookTimeout: 30_000
	}
});
