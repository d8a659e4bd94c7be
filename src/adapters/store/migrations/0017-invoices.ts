import { sql, type Kysely } from 'kysely';

/**
 * Invoices with their legal content, invoices per top-up, credit notes (docs/billing.md, "Invoices"):
 * - invoices.kind: `month` (the month close's, one per postpaid account and month) or `top-up` (one per top-up of a
 *   prepaid account, numbered in the same series: the numbering stays one continuous sequence per year).
 * - invoices.legal / credit_notes.legal: what the document fixes when issued besides its lines (seller and buyer
 *   identities, VAT treatment and mention, due date, period, payment terms), so that rendering it again later gives
 *   the same document whatever changed since. Invoices issued before this migration have none: they are rendered
 *   with the identities of the day.
 * - credit_notes: corrections of an issued invoice, numbered A<year>-<sequence> from invoice_counters like the
 *   invoices (a number exists if and only if its credit note does).
 * - Issued invoices and credit notes never change: a trigger refuses any UPDATE or DELETE of them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE invoices ADD COLUMN kind text NOT NULL DEFAULT 'month' CHECK (kind IN ('month', 'top-up'));
    ALTER TABLE invoices ADD COLUMN legal jsonb;
    ALTER TABLE invoices DROP CONSTRAINT invoices_account_id_month_key;
    CREATE UNIQUE INDEX invoices_month_once ON invoices (account_id, month) WHERE kind = 'month';
    CREATE INDEX invoices_account ON invoices (account_id, series, sequence);

    CREATE TABLE credit_notes (
      number         text PRIMARY KEY,
      series         text NOT NULL,
      sequence       bigint NOT NULL,
      invoice_number text NOT NULL REFERENCES invoices (number),
      account_id     uuid NOT NULL REFERENCES accounts (id),
      issued_at      timestamptz NOT NULL,
      reason         text NOT NULL,
      issued_by      text,
      lines          jsonb NOT NULL,
      total          bigint NOT NULL CHECK (total > 0),
      vat_basis_points integer NOT NULL,
      vat            bigint NOT NULL,
      total_with_vat bigint NOT NULL,
      legal          jsonb NOT NULL,
      UNIQUE (series, sequence)
    );
    CREATE INDEX credit_notes_invoice ON credit_notes (invoice_number);
    CREATE INDEX credit_notes_account ON credit_notes (account_id, series, sequence);

    CREATE FUNCTION relais_issued_never_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      RAISE EXCEPTION '% % is issued: it never changes (issue a credit note)', TG_TABLE_NAME, OLD.number USING ERRCODE = 'RL409';
    END $fn$;
    CREATE TRIGGER invoices_never_change BEFORE UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION relais_issued_never_changes();
    CREATE TRIGGER credit_notes_never_change BEFORE UPDATE OR DELETE ON credit_notes FOR EACH ROW EXECUTE FUNCTION relais_issued_never_changes();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER credit_notes_never_change ON credit_notes;
    DROP TRIGGER invoices_never_change ON invoices;
    DROP FUNCTION relais_issued_never_changes;
    DROP TABLE credit_notes;
    DROP INDEX invoices_account;
    DROP INDEX invoices_month_once;
    ALTER TABLE invoices ADD CONSTRAINT invoices_account_id_month_key UNIQUE (account_id, month);
    ALTER TABLE invoices DROP COLUMN legal;
    ALTER TABLE invoices DROP COLUMN kind;
  `.execute(db);
}
