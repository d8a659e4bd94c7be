#!/usr/bin/env node
// Entry point of the `relais` command: runs the compiled JavaScript in dist/ (built by `npm run build`, which
// `npm ci` and `npm install` run). No TypeScript compiler at run time.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('relais: dist/ is missing: build it with `npm run build` (npm ci and npm install do it)');
  process.exit(1);
}
await import(main.href);
