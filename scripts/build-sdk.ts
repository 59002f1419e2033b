/**
 * `npm run build:sdk`: builds the SDK and the `switchboard` command into packages/sdk/dist as a
 * publishable package — ESM for Node (its dependencies stay external, as the package declares them)
 * and one bundled declaration file — so agents outside this repository can `npm install` it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateDtsBundle } from 'dts-bundle-generator';
import { build } from 'vite';

export const SDK_DIR = 'packages/sdk';
const OUT = path.join(SDK_DIR, 'dist');

export async function buildSdk(): Promise<void> {
	fs.rmSync(OUT, { recursive: true, force: true });
	// Two bundles, so the SDK's entry exports only its public API (the command needs more of the code).
	for (const [name, entry] of [
		['index', 'src/sdk/index.ts'],
		['cli', 'src/cli/main.ts']
	]) {
		await build({
			configFile: false,
			logLevel: 'warn',
			build: {
				ssr: true,
				target: 'node20',
				outDir: OUT,
				emptyOutDir: false,
				rolldownOptions: {
					input: { [name]: entry },
					output: {
						format: 'es',
						entryFileNames: '[name].js',
						chunkFileNames: `chunks/${name}-[name]-[hash].js`
					},
					checks: { pluginTimings: false }
				}
			}
		});
	}
	const [types] = generateDtsBundle([{ filePath: 'src/sdk/index.ts', output: { noBanner: true } }], {
		preferredConfigPath: 'tsconfig.sdk.json'
	});
	fs.writeFileSync(path.join(OUT, 'index.d.ts'), types);
}

if (process.argv[1]?.endsWith('build-sdk.ts')) {
	await buildSdk();
	console.log(`Built the SDK into ${OUT}.`);
}
