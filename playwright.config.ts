import { defineConfig } from '@playwright/test';

/** The system Chromium; Playwright never downloads a browser here. */
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.test.ts',
	globalSetup: './tests/setup/switchboard.ts',
	timeout: 30_000,
	expect: { timeout: 10_000 },
	workers: 2,
	reporter: [['list']],
	use: {
		browserName: 'chromium',
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: chromium,
			args: [
				'--no-sandbox',
				'--disable-background-networking',
				'--disable-component-update',
				'--no-first-run'
			]
		}
	}
});
