import type pg from 'pg';
import type {
  Audience,
  AudienceMember,
  Audiences,
  AudienceScope,
  BaseContacts,
  ContactBase,
  ContactBases,
  ContactImports,
  ContactList,
  ContactLists,
  ContactRemoval,
  ImportChunk,
  ImportRecord,
  ImportNotice,
  ImportRejection,
  ImportSettings,
  Segment,
  Segments,
  StoredContact,
} from '../../app/ports/contacts.ts';
import type { Contact, CustomFieldDef, StandardField } from '../../core/contacts/types.ts';
import { overruledReason } from '../../core/consent/index.ts';
import type { SegmentFilter } from '../../core/contacts/segment.ts';
import { copyConsentEvents, type OwnConsentFields, type SharedConsentFields } from './consent-store.ts';
import { InvalidRequest, InvalidState } from '../../app/errors.ts';
import type { Db } from './database.ts';
import { isUuid, uuidv7 } from './ids.ts';
import { audienceWhere, consentSql, Params } from './audience-sql.ts';
import { arrayLiteral, transaction } from './sql.ts';

type Queryable = Pick<pg.Pool, 'query'>;

const CONTACT_COLUMNS = `c.id::text AS id, c.mobile, c.last_name, c.first_name, c.landline, c.email, c.birthday::text AS birthday,
  c.custom, c.last_activity_at`;

interface ContactRow {
  id: string;
  mobile: string;
  last_name: string | null;
  first_name: string | null;
  landline: string | null;
  email: string | null;
  birthday: string | null;
  custom: Record<string, string | number | boolean>;
  last_activity_at: Date | null;
}

/** Bases, contacts, lists, segments and imports in PostgreSQL. */
export class PgContactStore implements ContactBases, BaseContacts, ContactRemoval, ContactLists, Segments, Audiences, ContactImports {
  constructor(
    private readonly db: Db,
    /** The pseudonyms of erased numbers: an audience's consent then counts an opposition kept under one. */
    private readonly pseudonyms?: { ipad: Buffer; opad: Buffer },
  ) {}

  async createBase(accountId: string, name: string, customFields: CustomFieldDef[], now: Date): Promise<ContactBase> {
    const id = uuidv7(now.getTime());
    await this.db.pool
      .query('INSERT INTO contact_bases (id, account_id, name, custom_fields, created_at) VALUES ($1, $2, $3, $4, $5)', [id, accountId, name, JSON.stringify(customFields), now])
      .catch(taken(`a contact base named "${name}" already exists in this account`));
    return { id, accountId, name, customFields, createdAt: now };
  }

  async findBase(accountId: string, idOrName: string): Promise<ContactBase | undefined> {
    const { rows } = await this.db.pool.query(
      `SELECT * FROM contact_bases WHERE account_id = $1 AND (name = $2 OR ($3::uuid IS NOT NULL AND id = $3::uuid))`,
      [accountId, idOrName, isUuid(idOrName) ? idOrName : null],
    );
    return rows[0] && toBase(rows[0]);
  }

  async listBases(accountId: string): Promise<(ContactBase & { contacts: number })[]> {
    const { rows } = await this.db.pool.query(
      `SELECT b.*, (SELECT count(*)::int FROM contacts c WHERE c.base_id = b.id) AS contacts
       FROM contact_bases b WHERE account_id = $1 ORDER BY created_at`,
      [accountId],
    );
    return rows.map((row) => ({ ...toBase(row), contacts: row.contacts }));
  }

  async addCustomFields(base: ContactBase, fields: CustomFieldDef[]): Promise<ContactBase> {
    const known = new Map(base.customFields.map((f) => [f.name, f]));
    for (const field of fields) {
      const existing = known.get(field.name);
      if (existing && existing.type !== field.type) throw new InvalidRequest([{ field: '/fields', reason: `the field ${field.name} is ${existing.type}, not ${field.type}` }]);
      known.set(field.name, field);
    }
    const customFields = [...known.values()];
    await this.db.pool.query('UPDATE contact_bases SET custom_fields = $2 WHERE id = $1', [base.id, JSON.stringify(customFields)]);
    return { ...base, customFields };
  }

  async upsertContacts(base: ContactBase, contacts: Contact[], now: Date): Promise<{ inserted: number; merged: number }> {
    return transaction(this.db.pool, (client) => upsertContacts(client, base.id, mergedByMobile(contacts.map((contact) => ({ contact, activity: null }))), now, null, null));
  }

  async getContact(base: ContactBase, mobile: string): Promise<StoredContact | undefined> {
    const { rows } = await this.db.pool.query<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE base_id = $1 AND mobile = $2`, [base.id, mobile]);
    return rows[0] && toContact(rows[0]);
  }

  async listContacts(base: ContactBase, afterId: string | undefined, limit: number): Promise<StoredContact[]> {
    const { rows } = await this.db.pool.query<ContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE base_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [base.id, afterId ?? '0', limit],
    );
    return rows.map(toContact);
  }

  async removeNumbers(accountId: string, mobiles: string[], reason: string, now: Date, base?: ContactBase): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: number }>(
      `WITH removed AS (
         DELETE FROM contacts c USING contact_bases b
         WHERE c.base_id = b.id AND b.account_id = $1 AND c.mobile = ANY($2::text[]) AND ($5::uuid IS NULL OR b.id = $5::uuid)
         RETURNING c.base_id, c.mobile),
       audit AS (
         INSERT INTO contact_removals (account_id, base_id, mobile, reason, at) SELECT $1, base_id, mobile, $3, $4 FROM removed)
       SELECT count(*)::int AS n FROM removed`,
      [accountId, mobiles, reason, now, base?.id ?? null],
    );
    return rows[0]!.n;
  }

  /**
   * Failures are counted per message (a long message failing in every part counts once), from the parts'
   * receipts read with their route's protocol; only undeliverable messages settled since `since` are read.
   */
  async removeUnreachable(errors: Readonly<Record<string, readonly string[]>>, limit: number, since: Date, reason: string, now: Date): Promise<number> {
    const codes = Object.entries(errors).flatMap(([protocol, list]) => list.map((code) => `${protocol}:${code}`));
    const { rows } = await this.db.pool.query<{ n: number }>(
      `WITH unreachable AS (
         SELECT m.account_id, m.recipient FROM messages m
         WHERE m.status = 'undeliverable' AND m.done_at >= $1
           AND EXISTS (SELECT 1 FROM message_parts p JOIN routes r ON r.name = p.route
                       WHERE p.message_id = m.id AND r.protocol || ':' || p.receipt_error = ANY($2::text[]))
         GROUP BY m.account_id, m.recipient HAVING count(*) > $3),
       removed AS (
         DELETE FROM contacts c USING contact_bases b, unreachable u
         WHERE c.base_id = b.id AND b.account_id = u.account_id AND c.mobile = u.recipient
         RETURNING b.account_id, c.base_id, c.mobile),
       audit AS (
         INSERT INTO contact_removals (account_id, base_id, mobile, reason, at) SELECT account_id, base_id, mobile, $4, $5 FROM removed)
       SELECT count(*)::int AS n FROM removed`,
      [since, codes, limit, reason, now],
    );
    return rows[0]!.n;
  }

  async createList(base: ContactBase, name: string, now: Date): Promise<ContactList> {
    const id = uuidv7(now.getTime());
    await this.db.pool
      .query('INSERT INTO contact_lists (id, base_id, name, created_at) VALUES ($1, $2, $3, $4)', [id, base.id, name, now])
      .catch(taken(`the base "${base.name}" already has a list named "${name}"`));
    return { id, baseId: base.id, name };
  }

  async findList(base: ContactBase, idOrName: string): Promise<ContactList | undefined> {
    const { rows } = await this.db.pool.query(
      `SELECT id, base_id, name FROM contact_lists WHERE base_id = $1 AND (name = $2 OR ($3::uuid IS NOT NULL AND id = $3::uuid))`,
      [base.id, idOrName, isUuid(idOrName) ? idOrName : null],
    );
    return rows[0] && { id: rows[0].id, baseId: rows[0].base_id, name: rows[0].name };
  }

  async listLists(base: ContactBase): Promise<(ContactList & { members: number })[]> {
    const { rows } = await this.db.pool.query(
      `SELECT l.id, l.name, (SELECT count(*)::int FROM contact_list_members m WHERE m.list_id = l.id) AS members
       FROM contact_lists l WHERE base_id = $1 ORDER BY created_at`,
      [base.id],
    );
    return rows.map((row) => ({ id: row.id, baseId: base.id, name: row.name, members: row.members }));
  }

  async addToList(list: ContactList, mobiles: string[]): Promise<number> {
    const { rowCount } = await this.db.pool.query(
      `INSERT INTO contact_list_members (list_id, contact_id)
       SELECT $1, id FROM contacts WHERE base_id = $2 AND mobile = ANY($3::text[]) ON CONFLICT DO NOTHING`,
      [list.id, list.baseId, mobiles],
    );
    return rowCount ?? 0;
  }

  async saveSegment(base: ContactBase, name: string, filter: SegmentFilter, now: Date): Promise<Segment> {
    const { rows } = await this.db.pool.query(
      `INSERT INTO segments (id, base_id, name, filter, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (base_id, name) DO UPDATE SET filter = EXCLUDED.filter RETURNING id`,
      [uuidv7(now.getTime()), base.id, name, JSON.stringify(filter), now],
    );
    return { id: rows[0].id, baseId: base.id, name, filter };
  }

  async findSegment(base: ContactBase, idOrName: string): Promise<Segment | undefined> {
    const { rows } = await this.db.pool.query(
      `SELECT * FROM segments WHERE base_id = $1 AND (name = $2 OR ($3::uuid IS NOT NULL AND id = $3::uuid))`,
      [base.id, idOrName, isUuid(idOrName) ? idOrName : null],
    );
    return rows[0] && { id: rows[0].id, baseId: base.id, name: rows[0].name, filter: rows[0].filter };
  }

  async listSegments(base: ContactBase): Promise<Segment[]> {
    const { rows } = await this.db.pool.query('SELECT * FROM segments WHERE base_id = $1 ORDER BY created_at', [base.id]);
    return rows.map((row) => ({ id: row.id, baseId: base.id, name: row.name, filter: row.filter }));
  }

  async countAudience(audience: Audience, scope: AudienceScope): Promise<{ contacts: number; recipients: number }> {
    const params = new Params(this.pseudonyms);
    const where = audienceWhere(audience, scope, params);
    const { rows } = await this.db.pool.query(
      `SELECT count(*)::int AS contacts, count(DISTINCT c.mobile)::int AS recipients FROM contacts c WHERE ${where}`,
      params.values,
    );
    return rows[0];
  }

  /**
   * Keyset pagination by contact id; the consent state and the recent cap slots come with each contact (one
   * index probe each), so a dry run of a million contacts needs no other read.
   */
  async audience(audience: Audience, scope: AudienceScope, afterId: string, limit: number): Promise<AudienceMember[]> {
    const params = new Params(this.pseudonyms);
    const where = audienceWhere(audience, scope, params);
    const { rows } = await this.db.pool.query<ContactRow & { consent: AudienceMember['consent']; cap_days: string[] | null }>(
      `SELECT ${CONTACT_COLUMNS}, ${consentSql(scope, params)} AS consent,
         (SELECT array_agg(s.local_day::text) FROM marketing_slots s
          WHERE s.account_id = ${params.add(scope.accountId)} AND s.brand = ${params.add(scope.brand)} AND s.recipient = c.mobile
            AND s.local_day >= (${params.add(scope.now)}::timestamptz AT TIME ZONE 'UTC')::date - 1) AS cap_days
       FROM contacts c WHERE ${where} AND c.id > ${params.add(afterId)}::bigint ORDER BY c.id LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map((row) => ({ contact: toContact(row), consent: row.consent, capDays: row.cap_days ?? [] }));
  }

  async startImport(input: { accountId: string; baseId: string; listId: string | null; fileName: string | null; settings: ImportSettings }, now: Date): Promise<ImportRecord> {
    const { rows } = await this.db.pool.query<ImportRow>(
      `INSERT INTO imports (id, account_id, base_id, list_id, file_name, status, settings, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $7) RETURNING *`,
      [uuidv7(now.getTime()), input.accountId, input.baseId, input.listId, input.fileName, JSON.stringify(input.settings), now],
    );
    return toImport(rows[0]!);
  }

  async getImport(accountId: string, id: string): Promise<ImportRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.db.pool.query<ImportRow>('SELECT * FROM imports WHERE account_id = $1 AND id = $2', [accountId, id]);
    return rows[0] && toImport(rows[0]);
  }

  /**
   * One transaction per chunk: the contacts (duplicates of the chunk merged first: one statement cannot touch a
   * row twice; then in number order, so that concurrent chunks lock shared rows in the same order), list
   * membership, consent events, rejected rows, the chunk's line range and the counters — so a crash leaves each
   * chunk whole or absent, and a resume neither loses nor repeats a row. A deadlock between concurrent chunks
   * (the same number in both, locked through different paths) rolls one back whole: it is tried again.
   */
  async settleImportChunk(record: ImportRecord, chunk: ImportChunk, now: Date): Promise<ImportRecord> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction(this.db.pool, (client) => settle(client, record, chunk, now));
      } catch (error) {
        if ((error as { code?: string }).code !== DEADLOCK || attempt >= 3) throw error;
      }
    }
  }

  async settledRanges(record: ImportRecord): Promise<{ firstLine: number; lastLine: number }[]> {
    const { rows } = await this.db.pool.query<{ firstLine: number; lastLine: number }>(
      'SELECT first_line AS "firstLine", last_line AS "lastLine" FROM import_chunks WHERE import_id = $1 ORDER BY first_line',
      [record.id],
    );
    return rows;
  }

  async finishImport(record: ImportRecord, now: Date): Promise<ImportRecord> {
    const { rows } = await this.db.pool.query<ImportRow>(
      `UPDATE imports SET status = 'completed', finished_at = $2, updated_at = $2 WHERE id = $1 AND status = 'running' RETURNING *`,
      [record.id, now],
    );
    return rows[0] ? toImport(rows[0]) : record;
  }

  async rollbackImport(record: ImportRecord, now: Date): Promise<ImportRecord> {
    return transaction(this.db.pool, async (client) => {
      const { rows } = await client.query<ImportRow>(
        `UPDATE imports SET status = 'rolled-back', finished_at = $2, updated_at = $2 WHERE id = $1 AND status <> 'rolled-back' RETURNING *`,
        [record.id, now],
      );
      if (rows.length === 0) return record;
      await client.query('DELETE FROM contacts WHERE import_id = $1', [record.id]);
      await client.query(
        `UPDATE contacts c SET last_name = u.previous->>'last_name', first_name = u.previous->>'first_name',
           landline = u.previous->>'landline', email = u.previous->>'email', birthday = (u.previous->>'birthday')::date,
           custom = u.previous->'custom', last_activity_at = (u.previous->>'last_activity_at')::timestamptz, updated_at = $2
         FROM import_undo u WHERE u.import_id = $1 AND c.id = u.contact_id`,
        [record.id, now],
      );
      // Opt-outs stay: honouring an opposition the file stated is the safe side.
      await client.query(
        `INSERT INTO consent_retractions (event_id, reason, at)
         SELECT id, $3, $2 FROM consent_events WHERE source = 'import' AND reference = $1 AND kind <> 'opt-out'
         ON CONFLICT DO NOTHING`,
        [importReference(record), now, `import ${record.id} rolled back`],
      );
      return toImport(rows[0]!);
    });
  }

  rejections(record: ImportRecord): AsyncIterable<ImportRejection> {
    return this.byLine<ImportRejection>('SELECT line, reason, raw FROM import_rejections', record);
  }

  notices(record: ImportRecord): AsyncIterable<ImportNotice> {
    return this.byLine<ImportNotice>('SELECT line, msisdn, reason FROM import_notices', record);
  }

  /** An import's rows of `select` (a table keyed by import and line), in line order, a page at a time. */
  private async *byLine<T extends { line: number }>(select: string, record: ImportRecord): AsyncIterable<T> {
    let after = 0;
    for (;;) {
      const { rows } = await this.db.pool.query<T>(`${select} WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT 1000`, [record.id, after]);
      yield* rows;
      if (rows.length < 1000) return;
      after = rows.at(-1)!.line;
    }
  }
}

const DEADLOCK = '40P01';

async function settle(client: pg.PoolClient, record: ImportRecord, chunk: ImportChunk, now: Date): Promise<ImportRecord> {
  const entries = chunk.rows.map(({ row }) => ({ contact: row.contact, activity: row.consent?.at ?? null }));
  const unique = mergedByMobile(entries).sort((a, b) => (a.contact.mobile < b.contact.mobile ? -1 : 1));
  const { inserted, merged } = await upsertContacts(client, record.baseId, unique, now, record.id, record.listId);
  const evidence = consentEventsOf(record, chunk);
  const recorded = await copyConsentEvents(client, importConsent(record), evidence, now);
  const notices = recorded.flatMap(({ overruledBy }, i) => (overruledBy ? [{ line: evidence[i]!.line, msisdn: evidence[i]!.recipient, reason: overruledReason(overruledBy) }] : []));
  if (notices.length > 0) {
    await client.query(
      `INSERT INTO import_notices (import_id, line, msisdn, reason) SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [record.id, notices.map((n) => n.line), notices.map((n) => n.msisdn), notices.map((n) => n.reason)],
    );
  }
  const consents = recorded.filter((r) => !r.duplicate).length;
  if (chunk.rejections.length > 0) {
    await client.query(
      `INSERT INTO import_rejections (import_id, line, reason, raw)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [record.id, chunk.rejections.map((r) => r.line), chunk.rejections.map((r) => r.reason), chunk.rejections.map((r) => r.raw)],
    );
  }
  await client
    .query('INSERT INTO import_chunks (import_id, first_line, last_line) VALUES ($1, $2, $3)', [record.id, chunk.firstLine, chunk.lastLine])
    .catch(taken(`lines ${chunk.firstLine}–${chunk.lastLine} of import ${record.id} are already settled (another process resumed it)`));
  const { rows } = await client.query<ImportRow>(
    `UPDATE imports SET lines_done = GREATEST(lines_done, $2), rows_inserted = rows_inserted + $3, rows_merged = rows_merged + $4,
       rows_rejected = rows_rejected + $5, consents = consents + $6, consents_not_reopened = consents_not_reopened + $8, updated_at = $7
     WHERE id = $1 AND status = 'running' RETURNING *`,
    [record.id, chunk.lastLine, inserted, merged + (entries.length - unique.length), chunk.rejections.length, consents, now, notices.length],
  );
  if (rows.length === 0) throw new InvalidState(`import ${record.id} is no longer running (rolled back meanwhile)`);
  return toImport(rows[0]!);
}

/** A unique violation (two requests creating the same name at once) as the client's conflict. */
function taken(reason: string): (error: unknown) => never {
  return (error) => {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new InvalidState(reason);
    throw error;
  };
}
const UNIQUE_VIOLATION = '23505';

interface Entry {
  contact: Contact;
  activity: Date | null;
}

/** The entries of one statement, one per mobile: a later row's non-empty fields win over an earlier one's. */
function mergedByMobile(entries: Entry[]): Entry[] {
  const byMobile = new Map<string, Entry>();
  for (const entry of entries) {
    const seen = byMobile.get(entry.contact.mobile);
    byMobile.set(entry.contact.mobile, seen ? mergeEntries(seen, entry) : entry);
  }
  return [...byMobile.values()];
}

function mergeEntries(a: Entry, b: Entry): Entry {
  const pick = <T>(x: T | null, y: T | null) => (y ?? x);
  const contact: Contact = {
    mobile: a.contact.mobile,
    lastName: pick(a.contact.lastName, b.contact.lastName),
    firstName: pick(a.contact.firstName, b.contact.firstName),
    landline: pick(a.contact.landline, b.contact.landline),
    email: pick(a.contact.email, b.contact.email),
    birthday: pick(a.contact.birthday, b.contact.birthday),
    custom: { ...a.contact.custom, ...b.contact.custom },
  };
  const activity = a.activity && b.activity ? (a.activity > b.activity ? a.activity : b.activity) : pick(a.activity, b.activity);
  return { contact, activity };
}

/**
 * Inserts new contacts and merges known ones (non-empty fields win, custom fields are merged), keeping — for an
 * import — what a merged contact was before, the first time this import touched it (import_undo), and adding
 * the contacts to the import's list. Returns how many were new and how many merged.
 *
 * Holds the base's row (FOR KEY SHARE) for the transaction and writes only if it is there: what a foreign key
 * on contacts.base_id would check for each row, once (migration 0006 says why).
 */
async function upsertContacts(client: Queryable, baseId: string, entries: Entry[], now: Date, importId: string | null, listId: string | null): Promise<{ inserted: number; merged: number }> {
  if (entries.length === 0) return { inserted: 0, merged: 0 };
  // `before` looks each number up on its own (the LATERAL … LIMIT 1 cannot be turned into a join): a join let the
  // planner read the whole base per chunk — every contact has the same base_id — which made a large import
  // quadratic.
  const column = (key: StandardField) => arrayLiteral(entries.map((e) => e.contact[key]));
  const { rows } = await client.query<{ base: number; inserted: number; merged: number }>(
    `WITH base AS (SELECT id FROM contact_bases WHERE id = $1 FOR KEY SHARE),
     input AS (
       SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::jsonb[], $9::timestamptz[])
         AS t(mobile, last_name, first_name, landline, email, birthday, custom, activity)),
     before AS (
       INSERT INTO import_undo (import_id, contact_id, previous)
       SELECT $10, c.id, jsonb_build_object('last_name', c.last_name, 'first_name', c.first_name, 'landline', c.landline,
                'email', c.email, 'birthday', c.birthday, 'custom', c.custom, 'last_activity_at', c.last_activity_at)
       FROM input i CROSS JOIN LATERAL (SELECT * FROM contacts c WHERE c.base_id = $1 AND c.mobile = i.mobile LIMIT 1) c
       WHERE $10::uuid IS NOT NULL AND c.import_id IS DISTINCT FROM $10::uuid
       ON CONFLICT DO NOTHING),
     upserted AS (
       INSERT INTO contacts AS c (base_id, mobile, last_name, first_name, landline, email, birthday, custom, created_at, updated_at,
                                 last_activity_at, import_id)
       SELECT base.id, mobile, last_name, first_name, landline, email, birthday, custom, $11, $11, activity, $10 FROM input, base
       ON CONFLICT (base_id, mobile) DO UPDATE SET
         last_name = COALESCE(EXCLUDED.last_name, c.last_name),
         first_name = COALESCE(EXCLUDED.first_name, c.first_name),
         landline = COALESCE(EXCLUDED.landline, c.landline),
         email = COALESCE(EXCLUDED.email, c.email),
         birthday = COALESCE(EXCLUDED.birthday, c.birthday),
         custom = c.custom || EXCLUDED.custom,
         last_activity_at = GREATEST(c.last_activity_at, EXCLUDED.last_activity_at),
         updated_at = EXCLUDED.updated_at
       RETURNING c.id, (xmax = 0) AS inserted),
     listed AS (
       INSERT INTO contact_list_members (list_id, contact_id) SELECT $12, id FROM upserted WHERE $12::uuid IS NOT NULL
       ON CONFLICT DO NOTHING)
     SELECT (SELECT count(*) FROM base)::int AS base,
            (count(*) FILTER (WHERE inserted))::int AS inserted, (count(*) FILTER (WHERE NOT inserted))::int AS merged FROM upserted`,
    [
      baseId,
      column('mobile'),
      column('lastName'),
      column('firstName'),
      column('landline'),
      column('email'),
      column('birthday'),
      arrayLiteral(entries.map((e) => JSON.stringify(e.contact.custom))),
      arrayLiteral(entries.map((e) => e.activity?.toISOString())),
      importId,
      now,
      listId,
    ],
  );
  const { base, inserted, merged } = rows[0]!;
  if (base === 0) throw new InvalidState('the contact base was deleted');
  return { inserted, merged };
}

/** The reference an import's consent events carry, to prove them and to retract them on rollback. */
function importReference(record: ImportRecord): string {
  return `import:${record.id}`;
}

/** What every consent event of an import says: the brand, the channel and wording the client gave, the import. */
function importConsent(record: ImportRecord): SharedConsentFields {
  const { brand, channel, wording } = record.settings.consent;
  return { accountId: record.accountId, brand, source: 'import', channel: channel ?? 'import', wording, reference: importReference(record), ip: null };
}

/** The consent column's evidence, with its line; a row without a consent date is dated by the import's start, and undated. */
function consentEventsOf(record: ImportRecord, chunk: ImportChunk): (OwnConsentFields & { line: number })[] {
  const events: (OwnConsentFields & { line: number })[] = [];
  for (const { line, row } of chunk.rows) {
    if (!row.consent) continue;
    const { kind, at } = row.consent;
    events.push({ line, recipient: row.contact.mobile, kind, occurredAt: at ?? record.createdAt, dated: at !== null && at !== undefined });
  }
  return events;
}

function toBase(row: { id: string; account_id: string; name: string; custom_fields: CustomFieldDef[]; created_at: Date }): ContactBase {
  return { id: row.id, accountId: row.account_id, name: row.name, customFields: row.custom_fields, createdAt: row.created_at };
}

function toContact(row: ContactRow): StoredContact {
  return {
    id: row.id,
    mobile: row.mobile,
    lastName: row.last_name,
    firstName: row.first_name,
    landline: row.landline,
    email: row.email,
    birthday: row.birthday,
    custom: row.custom,
    lastActivityAt: row.last_activity_at,
  };
}

interface ImportRow {
  id: string;
  account_id: string;
  base_id: string;
  list_id: string | null;
  file_name: string | null;
  status: ImportRecord['status'];
  settings: ImportSettings;
  lines_done: number;
  rows_inserted: number;
  rows_merged: number;
  rows_rejected: number;
  consents: number;
  consents_not_reopened: number;
  created_at: Date;
  finished_at: Date | null;
}

function toImport(row: ImportRow): ImportRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    baseId: row.base_id,
    listId: row.list_id,
    fileName: row.file_name,
    status: row.status,
    settings: row.settings,
    linesDone: row.lines_done,
    rowsInserted: row.rows_inserted,
    rowsMerged: row.rows_merged,
    rowsRejected: row.rows_rejected,
    consents: row.consents,
    consentsNotReopened: row.consents_not_reopened,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
