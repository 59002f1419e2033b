#!/usr/bin/env node
// The `switchboard` command, from the built package (npm run build:sdk).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
