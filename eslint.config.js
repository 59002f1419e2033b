import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** The feature folders of src/lib, each with its public index.ts (and, for the page, ui.ts). */
const FEATURES = [
	'protocol',
	'storage',
	'connection',
	'presence',
	'inbox',
	'roster',
	'traffic',
	'compose',
	'demo',
	'theme',
	'console'
];
const ANY_FEATURE = `(?:${FEATURES.join('|')})`;

/** Reaching into another feature's files, from a feature (`$lib/x/y`, `../x/y`) or from outside (`…/lib/x/y`). */
/** @param {'lib' | 'outside'} from */
const intoFeature = (from) => ({
	regex:
		from === 'lib'
			? `^(?:\\$lib|\\.\\.)/${ANY_FEATURE}/(?!(?:ui|fixtures)$)`
			: `(?:^\\$lib|/lib)/${ANY_FEATURE}/(?!(?:ui|fixtures)$)`,
	message:
		'Use a feature through its index.ts (`$lib/inbox`) or, in the page, its ui.ts (`$lib/inbox/ui`); inside a feature, import its files relatively (`./inbox-store`).'
});
const noNatsClient = {
	group: ['@nats-io/*', 'nats', 'nats.ws'],
	message:
		'Components and routes never hold a NATS client: go through the connection (`$lib/connection/ui`) or a feature.'
};
const noAlias = {
	group: ['$lib', '$lib/*', '$app/*'],
	message:
		"A plain module of src/lib runs in Node too (the SDK package): import relatively ('../protocol'), not through SvelteKit."
};
const noPageParts = {
	regex: '(?:^\\$lib|/lib)/[a-z-]+/ui$|\\.svelte$',
	message: "Node code (SDK, CLI, MCP) uses a feature's index.ts only: ui.ts and components are for the page."
};

function boundaries() {
	/**
	 * @param {Array<{ group?: string[], regex?: string, message: string }>} patterns
	 * @returns {import('eslint').Linter.RulesRecord}
	 */
	const rule = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
	return [
		{ files: ['src/lib/**'], rules: rule([intoFeature('lib')]) },
		{
			files: ['src/lib/**/*.ts'],
			ignores: ['src/lib/**/*.svelte.ts', 'src/lib/**/*.spec.ts', 'src/lib/*/ui.ts', 'src/lib/*/context.ts'],
			rules: rule([intoFeature('lib'), noAlias])
		},
		{ files: ['src/routes/**', 'tests/**', 'bench/**'], rules: rule([intoFeature('outside')]) },
		{ files: ['src/lib/**/*.svelte', 'src/routes/**'], rules: rule([intoFeature('lib'), noNatsClient]) },
		{ files: ['src/routes/**'], rules: rule([intoFeature('outside'), noNatsClient]) },
		{ files: ['src/sdk/**', 'src/cli/**', 'src/mcp/**'], rules: rule([intoFeature('outside'), noPageParts]) },
		{
			// The protocol module is shared by the browser, Node agents, the CLI and tests: keep it pure.
			files: ['src/lib/protocol/**'],
			rules: rule([
				{ group: ['svelte', 'svelte/*'], message: 'The protocol module must not depend on Svelte.' },
				{
					group: ['$app/*', '$lib/*'],
					message: 'The protocol module uses relative imports only, no SvelteKit.'
				},
				{
					group: ['@nats-io/*', 'nats', 'nats.ws'],
					message: 'The protocol module must not import a NATS client.'
				},
				{ group: ['node:*'], message: 'The protocol module must run in the browser too.' }
			])
		}
	];
}

export default ts.config(
	{
		ignores: [
			'.venv/',
			'build/',
			'.svelte-kit/',
			'.svelte-kit-base-path/',
			'packages/sdk/dist/',
			'data/',
			'test-results/',
			'playwright-report/',
			'bench-results/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'@typescript-eslint/no-explicit-any': 'error'
		}
	},
	{
		files: ['**/*.ts', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
		rules: { '@typescript-eslint/no-floating-promises': 'error' }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig } }
	},
	{
		// State classes keep collections in $state.raw and replace them on change (STYLE.md, habit 6);
		// a Map or Date they create is never mutated in place, which is what this rule guards against.
		files: ['**/*.svelte.ts'],
		rules: { 'svelte/prefer-svelte-reactivity': 'off' }
	},
	// Boundaries (src/lib/README.md): the protocol module is pure; a feature is used from outside only
	// through its index.ts (any runtime) or ui.ts (the page's state classes and components); components
	// and routes never hold a NATS client; Node code never loads the page's parts.
	...boundaries()
);
