import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{
		ignores: [
			'.venv/',
			'build/',
			'.svelte-kit/',
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
	{
		// The protocol module is shared by the browser, Node agents, the CLI and tests: keep it pure.
		files: ['src/lib/protocol/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
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
					]
				}
			]
		}
	}
);
