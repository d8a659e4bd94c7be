/**
 * The `relais` command as the tests run it: the build in dist/ (what `relais` runs in production) when it is at
 * least as new as every source file — as after `npm ci`, which builds it — else the TypeScript sources through
 * tsx, so that a test never runs code older than the sources it tests.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '../..');

/** Every .ts file under src/ has its .js in dist/, written after it. */
function buildIsCurrent(): boolean {
  const sources = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  return sources.every((file) => {
    const built = path.join(root, 'dist', file.replace(/\.ts$/, '.js'));
    return existsSync(built) && statSync(built).mtimeMs >= statSync(path.join(root, 'src', file)).mtimeMs;
  });
}

/** Node's arguments that run the `relais` command, from any working directory. */
export const relaisCommand: readonly string[] = buildIsCurrent()
  ? [path.join(root, 'bin/relais.js')]
  : ['--import', pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href, path.join(root, 'src/cli/main.ts')];
