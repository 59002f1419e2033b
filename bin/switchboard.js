#!/usr/bin/env node
// The `switchboard` command. It runs the project's TypeScript directly (through tsx), so the CLI,
// the SDK and the browser app share one protocol module with no separate build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
