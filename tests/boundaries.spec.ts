/**
 * The boundaries the linter keeps (eslint.config.js, src/lib/README.md), each shown to fire on a
 * deliberate violation and to let the right way through. Linted as if the code sat at that path.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({
	// Type-aware rules need the file on disk; these snippets only exercise the import boundaries.
	overrideConfig: {
		languageOptions: { parserOptions: { projectService: false, project: null } },
		rules: { '@typescript-eslint/no-floating-promises': 'off' }
	}
});

async function refusedImports(filePath: string, code: string): Promise<string[]> {
	const [result] = await eslint.lintText(code, { filePath });
	return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const svelte = (imports: string) => `<script lang="ts">\n${imports}\n</script>\n<p>{typeof x}</p>\n`;

describe('lint-enforced boundaries', () => {
	it('components and routes never import a NATS client', async () => {
		const client = "import { wsconnect } from '@nats-io/nats-core'; const x = wsconnect;";
		expect(await refusedImports('src/lib/inbox/Sneaky.svelte', svelte(client))).toEqual([
			expect.stringContaining('Components and routes never hold a NATS client')
		]);
		expect(await refusedImports('src/routes/sneaky/+page.svelte', svelte(client))).toHaveLength(1);
		expect(
			await refusedImports(
				'src/routes/fine/+page.svelte',
				svelte("import { InboxPanel as x } from '$lib/inbox/ui';")
			)
		).toEqual([]);
	});

	it('a feature uses another only through its index.ts or ui.ts', async () => {
		const into = "import { openInbox } from '$lib/inbox/inbox-store';\nexport const x = openInbox;";
		expect(await refusedImports('src/lib/roster/sneaky.svelte.ts', into)).toEqual([
			expect.stringContaining('Use a feature through its index.ts')
		]);
		const relative = "import { openInbox } from '../inbox/inbox-store';\nexport const x = openInbox;";
		expect(await refusedImports('src/lib/roster/sneaky.ts', relative)).toHaveLength(1);
		const throughIndex = "import { openInbox } from '$lib/inbox';\nexport const x = openInbox;";
		expect(await refusedImports('src/lib/roster/fine.svelte.ts', throughIndex)).toEqual([]);
	});

	it('inside a feature, its own files are imported relatively', async () => {
		const own = "import { addItems } from '$lib/inbox/inbox';\nexport const x = addItems;";
		expect(await refusedImports('src/lib/inbox/sneaky.svelte.ts', own)).toHaveLength(1);
		const relative = "import { addItems } from './inbox';\nexport const x = addItems;";
		expect(await refusedImports('src/lib/inbox/fine.ts', relative)).toEqual([]);
	});

	it('a plain module of a feature imports relatively, so it runs in Node (the SDK package) too', async () => {
		const alias = "import { decode } from '$lib/protocol';\nexport const x = decode;";
		expect(await refusedImports('src/lib/roster/sneaky.ts', alias)).toEqual([
			expect.stringContaining('runs in Node too')
		]);
		// A state class or component is the page's: $lib is fine there.
		expect(await refusedImports('src/lib/roster/fine.svelte.ts', alias)).toEqual([]);
		const relative = "import { decode } from '../protocol';\nexport const x = decode;";
		expect(await refusedImports('src/lib/roster/fine.ts', relative)).toEqual([]);
	});

	it('Node code (SDK, CLI, MCP) never loads the page’s parts, nor a feature’s internals', async () => {
		const ui = "import { InboxState } from '../lib/inbox/ui';\nexport const x = InboxState;";
		expect(await refusedImports('src/sdk/sneaky.ts', ui)).toEqual([
			expect.stringContaining('Node code (SDK, CLI, MCP) uses a feature')
		]);
		const internal = "import { openInbox } from '../lib/inbox/inbox-store';\nexport const x = openInbox;";
		expect(await refusedImports('src/cli/sneaky.ts', internal)).toHaveLength(1);
		const index = "import { openInbox } from '../lib/inbox';\nexport const x = openInbox;";
		expect(await refusedImports('src/mcp/fine.ts', index)).toEqual([]);
	});

	it('the protocol module stays pure: no Svelte, no SvelteKit, no NATS client, no Node', async () => {
		for (const source of ['svelte', '$lib/inbox', '@nats-io/nats-core', 'node:fs']) {
			const code = `import * as x from '${source}';\nexport { x };`;
			expect(await refusedImports('src/lib/protocol/sneaky.ts', code), source).toHaveLength(1);
		}
	});
});
