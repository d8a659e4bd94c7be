/**
 * The portal's build: a single-page application in Preact, written to dist/web, which the HTTP server serves at /.
 * It imports the pure core (src/core/text) so that the live counter and the server can never disagree.
 */
import path from 'node:path';
import { defineConfig } from 'vite';

const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  root,
  base: '/',
  build: { outDir: path.join(root, '..', 'dist', 'web'), emptyOutDir: true, target: 'es2022', sourcemap: false },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  server: { fs: { allow: [path.join(root, '..')] } },
});
