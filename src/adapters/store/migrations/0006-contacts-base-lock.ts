import { sql, type Kysely } from 'kysely';

/**
 * contacts.base_id loses its foreign key: PostgreSQL checked it once per row (a query and a row lock each), a
 * third of the time an import spent inserting contacts. The same guarantee, once per statement instead:
 *
 * - every statement that writes contacts (PgContactStore's upsert, the only one) first takes the base's row with
 *   FOR KEY SHARE, as the foreign key did, and writes nothing if the base is gone: a base being deleted waits for
 *   the writer to commit, and a writer after the delete finds no base;
 * - deleting a base deletes its contacts (the cascade the foreign key gave), by the trigger below.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE contacts DROP CONSTRAINT contacts_base_id_fkey;
    CREATE FUNCTION contact_bases_delete_contacts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM contacts WHERE base_id = OLD.id;
        RETURN OLD;
      END $$;
    CREATE TRIGGER contact_bases_delete_contacts AFTER DELETE ON contact_bases
      FOR EACH ROW EXECUTE FUNCTION contact_bases_delete_contacts();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER contact_bases_delete_contacts ON contact_bases;
    DROP FUNCTION contact_bases_delete_contacts();
    DELETE FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM contact_bases b WHERE b.id = c.base_id);
    ALTER TABLE contacts ADD CONSTRAINT contacts_base_id_fkey FOREIGN KEY (base_id) REFERENCES contact_bases (id) ON DELETE CASCADE;
  `.execute(db);
}
