/** The `relais` command as the tests run it: from the TypeScript sources (bin/relais.js runs the build in dist/). */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '../..');

/** Node's arguments that run the CLI's sources, from any working directory. */
export const relaisFromSource: readonly string[] = ['--import', pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href, path.join(root, 'src/cli/main.ts')];
