import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrate, openDatabase, type Db } from '../../src/adapters/store/database.ts';

export interface DbTarget {
  name: 'embedded' | 'external';
  /** A connection string to a database we may create other databases from. */
  serverUrl: string;
}

/** The embedded PostgreSQL always; the external one too when DATABASE_URL is set (CI sets it). */
export function databaseTargets(): DbTarget[] {
  const targets: DbTarget[] = [{ name: 'embedded', serverUrl: inject('embeddedPostgresUrl') }];
  if (process.env.DATABASE_URL) targets.push({ name: 'external', serverUrl: process.env.DATABASE_URL });
  return targets;
}

/** The target integration tests run on: the external server when there is one (as in production), else the embedded. */
export function primaryTarget(): DbTarget {
  return databaseTargets().at(-1)!;
}

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

/** A fresh, migrated database on the target, dropped by `drop()`. */
export async function createTestDatabase(target: DbTarget): Promise<TestDatabase> {
  const name = `relais_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(target.serverUrl, `CREATE DATABASE ${name}`);
  const url = withDatabase(target.serverUrl, name);
  const db = openDatabase(url);
  await migrate(db);
  return {
    url,
    db,
    drop: async () => {
      await db.close();
      await adminQuery(target.serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
