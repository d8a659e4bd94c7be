/**
 * The test files that start many processes (Relais processes, workers, a browser) take turns: with two test
 * workers, one of them runs at a time while the other worker goes on with the lighter files. The turn is a
 * PostgreSQL advisory lock on the run's embedded server, held by one connection from the file's first hook to its
 * last: waiting for it is waiting for an event, and a file that dies releases it with its connection.
 */
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

const TURN = 0x52454c41; // any constant shared by the files that take turns
/** How long a file may wait for its turn: the other heavy files' time, at most. */
const WAIT_MS = 15 * 60_000;

/** Call at the top of a heavy test file. */
export function takeTurns(): void {
  let holder: pg.Client | undefined;
  beforeAll(async () => {
    holder = new pg.Client({ connectionString: inject('embeddedPostgresUrl') });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [TURN]);
  }, WAIT_MS);
  afterAll(async () => {
    await holder?.end();
  });
}
