import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * Where the static build goes, and the sub-path it is served under: `npm run build` makes the app for
 * the site's root into build/; the GitHub Pages workflow sets SWITCHBOARD_BASE_PATH=/<repository>.
 */
const outDir = process.env.SWITCHBOARD_BUILD_DIR || 'build';
const base = /** @type {'' | `/${string}`} */ (process.env.SWITCHBOARD_BASE_PATH || '');

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: the browser talks to NATS directly, so there is nothing to render on a server.
		adapter: adapter({ pages: outDir, assets: outDir, fallback: 'index.html' }),
		paths: { base },
		// A second build (a sub-path, in a test) keeps its generated files apart from the usual one.
		outDir: process.env.SWITCHBOARD_KIT_DIR || '.svelte-kit'
	}
};

export default config;
