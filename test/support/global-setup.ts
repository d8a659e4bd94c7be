import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/adapters/store/embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedPostgresUrl: string;
  }
}

/**
 * One embedded PostgreSQL for the whole run (the store every newcomer gets); test files create their own
 * databases in it, and in the external server when DATABASE_URL is set (test/support/db.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir });
  project.provide('embeddedPostgresUrl', server.url);
  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
