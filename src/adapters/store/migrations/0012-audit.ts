import { sql, type Kysely } from 'kysely';

/**
 * The audit trail is append-only, like the consent ledger: no UPDATE, no TRUNCATE, and no DELETE except the
 * retention purge (docs/accounts.md, "Audit trail"), which says so with `SET LOCAL relais.purge_audit = 'on'`
 * in its transaction and may only remove entries older than a year.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('relais.purge_audit', true) = 'on' AND OLD.at < now() - interval '1 year' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only (only the retention purge removes entries, older than a year)';
      END $$;
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
    -- The aggregator's view reads every account's entries newest first.
    CREATE INDEX audit_events_at_id ON audit_events (at DESC, id DESC);
    DROP INDEX audit_events_at;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER audit_events_no_truncate ON audit_events;
    DROP TRIGGER audit_events_append_only ON audit_events;
    DROP FUNCTION audit_events_append_only();
    CREATE INDEX audit_events_at ON audit_events (at);
    DROP INDEX audit_events_at_id;
  `.execute(db);
}
