#!/usr/bin/env node
// Entry point of the `relais` command: TypeScript sources are loaded through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
