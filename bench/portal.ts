/**
 * npm run bench:portal — the portal's weight: the JavaScript a browser must download before the first page shows
 * (the scripts and module preloads dist/web/index.html names), gzipped as a server would send it, and its CSS.
 * Budget: initial JavaScript ≤ 250 kB gzipped; exits 1 above it. Builds first (the npm script does).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 250 * 1024;
const dir = path.resolve(import.meta.dirname, '..', 'dist', 'web');
const html = readFileSync(path.join(dir, 'index.html'), 'utf8');

function assets(pattern: RegExp): string[] {
  return [...html.matchAll(pattern)].map((m) => m[1]!);
}

function weigh(files: string[]): { raw: number; gzipped: number } {
  let raw = 0;
  let gzipped = 0;
  for (const file of files) {
    const bytes = readFileSync(path.join(dir, file.replace(/^\//, '')));
    raw += bytes.length;
    gzipped += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzipped };
}

const scripts = [...assets(/<script[^>]+src="([^"]+)"/g), ...assets(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)];
const styles = assets(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g);
const js = weigh(scripts);
const css = weigh(styles);
const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;

console.log(`initial JavaScript  ${kB(js.gzipped)} gzipped (${kB(js.raw)} raw, ${scripts.length} file${scripts.length === 1 ? '' : 's'})  budget ${kB(BUDGET_BYTES)}`);
console.log(`CSS                 ${kB(css.gzipped)} gzipped (${kB(css.raw)} raw)`);
if (js.gzipped > BUDGET_BYTES) {
  console.error('over budget');
  process.exitCode = 1;
}
