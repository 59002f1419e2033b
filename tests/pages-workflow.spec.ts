/** The GitHub Pages workflow, checked by its content (it runs on GitHub, not here). */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
	uses?: string;
	run?: string;
	env?: Record<string, string>;
	with?: Record<string, string>;
}
const workflow = parse(fs.readFileSync('.github/workflows/pages.yml', 'utf8')) as {
	on: Record<string, unknown>;
	permissions: Record<string, string>;
	jobs: Record<string, { needs?: string; steps: Step[] }>;
};

describe('.github/workflows/pages.yml', () => {
	const build = workflow.jobs.build.steps;
	it('builds the static app for the repository’s sub-path, from a clean install', () => {
		expect(build.map((s) => s.uses ?? s.run)).toEqual([
			'actions/checkout@v4',
			'actions/setup-node@v4',
			'npm ci',
			'npm run build',
			'cp build/index.html build/404.html',
			'actions/upload-pages-artifact@v3'
		]);
		const buildStep = build.find((s) => s.run === 'npm run build')!;
		expect(buildStep.env?.SWITCHBOARD_BASE_PATH).toBe('/${{ github.event.repository.name }}');
		expect(build.find((s) => s.uses?.startsWith('actions/upload-pages-artifact'))?.with?.path).toBe('build');
		// The Node the project supports (package.json engines).
		const engines = JSON.parse(fs.readFileSync('package.json', 'utf8')).engines.node as string;
		expect(engines).toContain(String(build[1].with?.['node-version']));
	});

	it('deploys what it built, with only the permissions Pages needs, on main and by hand', () => {
		expect(workflow.jobs.deploy.needs).toBe('build');
		expect(workflow.jobs.deploy.steps.map((s) => s.uses)).toEqual(['actions/deploy-pages@v4']);
		expect(workflow.permissions).toEqual({ contents: 'read', pages: 'write', 'id-token': 'write' });
		expect(Object.keys(workflow.on).sort()).toEqual(['push', 'workflow_dispatch']);
	});
});
