import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	test: {
		include: ['src/**/*.spec.ts', 'tests/**/*.spec.ts'],
		// Integration tests run browser-side code in Node: Node 20 has WebSocket only behind this flag.
		execArgv: ['--experimental-websocket'],
		globalSetup: ['tests/setup/nats-server.ts'],
		testTimeout: 20_000,
		hookTimeout: 30_000
	}
});
