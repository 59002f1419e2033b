import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: the browser talks to NATS directly, so there is nothing to render on a server.
		adapter: adapter({ fallback: 'index.html' })
	}
};

export default config;
