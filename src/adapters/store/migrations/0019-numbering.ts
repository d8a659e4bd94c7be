import { sql, type Kysely } from 'kysely';

/**
 * Numbering (docs/operators.md):
 * - number_ranges: the regulator's numbering plan, E.164 digits as integers (`33612000000`); a range's first and
 *   last numbers have the same length. Replaced as a whole by each import of the plan's file.
 * - numbering_operators: operator codes (Arcep's mnémo) and their names, from the plan's file; codes met only in
 *   the portability base are added without a name.
 * - number_ports: the portability base, one row per number that left its range's holder (tens of millions): the
 *   operator it belongs to now and since when. A full file replaces the table (loaded into a new table, then
 *   swapped in one transaction); a daily delta adds, changes and removes rows.
 * - numbering_imports / numbering_rejects: every import, its counts (lines = taken + rejected), and each refused
 *   line with its number and reason.
 * - numbering_versions: bumped by every import that changes a part; each process compares it every second and
 *   reloads its in-memory copy when it moved. `rows` saves a count(*) over millions of rows at load.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE number_ranges (
      first_number  bigint NOT NULL,
      last_number   bigint NOT NULL,
      operator      text NOT NULL,
      territory     text,
      assigned_on   date,
      PRIMARY KEY (first_number, last_number),
      CHECK (first_number <= last_number AND length(first_number::text) = length(last_number::text))
    );

    CREATE TABLE numbering_operators (
      code  text PRIMARY KEY,
      name  text
    );

    CREATE TABLE number_ports (
      msisdn     bigint PRIMARY KEY,
      operator   text NOT NULL,
      ported_on  date NOT NULL
    );

    CREATE TABLE numbering_imports (
      id           uuid PRIMARY KEY,
      kind         text NOT NULL CHECK (kind IN ('ranges', 'ports', 'ports-delta')),
      file_name    text,
      by           text,
      started_at   timestamptz NOT NULL,
      finished_at  timestamptz NOT NULL,
      lines        integer NOT NULL,
      taken        integer NOT NULL,
      rejected     integer NOT NULL,
      summary      jsonb NOT NULL DEFAULT '{}'
    );
    CREATE INDEX numbering_imports_started ON numbering_imports (started_at DESC);

    CREATE TABLE numbering_rejects (
      import_id  uuid NOT NULL REFERENCES numbering_imports (id) ON DELETE CASCADE,
      line       integer NOT NULL,
      content    text NOT NULL,
      reason     text NOT NULL,
      PRIMARY KEY (import_id, line)
    );

    CREATE TABLE numbering_versions (
      part        text PRIMARY KEY CHECK (part IN ('ranges', 'ports')),
      version     bigint NOT NULL DEFAULT 0,
      rows        bigint NOT NULL DEFAULT 0,
      changed_at  timestamptz
    );
    INSERT INTO numbering_versions (part) VALUES ('ranges'), ('ports');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE numbering_versions, numbering_rejects, numbering_imports, number_ports, numbering_operators, number_ranges`.execute(db);
}
