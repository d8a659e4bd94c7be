import type pg from 'pg';
import type { ConsentStore, NewConsentEvent, RecordedConsent } from '../../app/ports.ts';
import { consentFor, ledgerOrder, RecipientLedger, type ConsentEvent, type ConsentEvidence, type RecipientConsent } from '../../core/consent/index.ts';
import type { Db } from './database.ts';
import { copyRows, type CopyValue } from './copy.ts';
import { uuidv7 } from './ids.ts';
import { transaction } from './sql.ts';

interface Row {
  id: string;
  account_id: string;
  brand: string;
  recipient: string;
  kind: ConsentEvent['kind'];
  source: string;
  channel: string | null;
  wording: string | null;
  reference: string | null;
  ip: string | null;
  occurred_at: Date;
  recorded_at: Date;
  dated: boolean;
  retracted_at: Date | null;
  retracted_reason: string | null;
}

const EVENTS_WITH_RETRACTIONS = `SELECT e.*, r.at AS retracted_at, r.reason AS retracted_reason
  FROM consent_events e LEFT JOIN consent_retractions r ON r.event_id = e.id`;

/** The consent ledger in PostgreSQL: appended to, never updated (a trigger refuses it), states derived in core. */
export class PgConsentStore implements ConsentStore {
  constructor(
    private readonly db: Db,
    /** The pseudonyms of numbers erased at their owner's request: an opposition kept under one still counts. */
    private readonly pseudonyms?: { of(msisdn: string): string },
  ) {}

  async record(events: NewConsentEvent[], now: Date): Promise<RecordedConsent[]> {
    if (events.length === 0) return [];
    return transaction(this.db.pool, async (client) => {
      const evidence = events.map(evidenceOf);
      const admissions = await admitAll(client, evidence, now);
      const fresh = admissions.flatMap((a) => (a.duplicate ? [] : [a.event]));
      await insertEvents(client, fresh);
      return admissions;
    });
  }

  async history(accountId: string, recipient: string): Promise<ConsentEvent[]> {
    const { rows } = await this.db.pool.query<Row>(`${EVENTS_WITH_RETRACTIONS} WHERE e.account_id = $1 AND e.recipient = $2 ORDER BY e.occurred_at, e.id`, [
      accountId,
      recipient,
    ]);
    return rows.map(toEvent);
  }

  async states(accountId: string, brand: string, recipients: readonly string[]): Promise<Map<string, RecipientConsent>> {
    const aliases = new Map(this.pseudonyms ? recipients.map((r) => [this.pseudonyms!.of(r), r] as const) : []);
    const byRecipient = await eventsOf(this.db.pool, accountId, [brand], aliases.size > 0 ? [...recipients, ...aliases.keys()] : recipients);
    for (const [alias, recipient] of aliases) {
      const kept = byRecipient.get(alias);
      byRecipient.delete(alias);
      if (kept && kept.length > 0) byRecipient.set(recipient, [...kept, ...byRecipient.get(recipient)!].sort(ledgerOrder));
    }
    return new Map([...byRecipient].map(([recipient, events]) => [recipient, consentFor(events, brand)]));
  }
}

/** A client's or an SMS's event as evidence: dated unless said otherwise, optional fields null. */
export function evidenceOf(event: NewConsentEvent): ConsentEvidence {
  return { channel: null, wording: null, reference: null, ip: null, dated: true, ...event };
}

/**
 * The events of these recipients for the account, for these brands and '*' (retracted ones marked), by recipient
 * in ledger order.
 */
async function eventsOf(client: pg.Pool | pg.PoolClient, accountId: string, brands: readonly string[], recipients: readonly string[]): Promise<Map<string, ConsentEvent[]>> {
  const unique = [...new Set(recipients)];
  const byRecipient = new Map<string, ConsentEvent[]>(unique.map((r) => [r, []]));
  if (unique.length === 0) return byRecipient;
  const { rows } = await client.query<Row>(
    `${EVENTS_WITH_RETRACTIONS} WHERE e.account_id = $1 AND e.recipient = ANY($2::text[]) AND e.brand = ANY($3::text[] || ARRAY['*'])
     ORDER BY e.occurred_at, e.id`,
    [accountId, unique, [...new Set(brands)]],
  );
  for (const row of rows) byRecipient.get(row.recipient)!.push(toEvent(row));
  return byRecipient;
}

/**
 * What recording each piece of evidence does, inside the caller's transaction: identical evidence already in the
 * ledger (or earlier in the batch) is not recorded again, and an opt-in that an opt-out still overrules says so.
 * The recipients are locked first (one advisory lock each, in a fixed order), so two requests carrying the same
 * evidence at once cannot both record it.
 */
export async function admitAll(client: pg.PoolClient, evidence: readonly ConsentEvidence[], now: Date): Promise<RecordedConsent[]> {
  const byAccount = new Map<string, ConsentEvidence[]>();
  for (const e of evidence) {
    const items = byAccount.get(e.accountId);
    if (items) items.push(e);
    else byAccount.set(e.accountId, [e]);
  }
  const ledgers = new Map<string, RecipientLedger>();
  for (const [accountId, items] of byAccount) {
    const recipients = await lockRecipients(client, accountId, items);
    for (const [recipient, events] of await eventsOf(client, accountId, items.map((e) => e.brand), recipients)) ledgers.set(`${accountId} ${recipient}`, new RecipientLedger(events));
  }
  return evidence.map((e) => {
    const { kind, event, overruledBy } = ledgers.get(`${e.accountId} ${e.recipient}`)!.admit(e, uuidv7(now.getTime()), now);
    return { event, duplicate: kind === 'duplicate', overruledBy };
  });
}

/**
 * One advisory lock per recipient of the account, taken in a fixed order (so two batches cannot deadlock), held
 * until the transaction ends: two requests carrying the same evidence at once cannot both record it. The
 * recipients, sorted.
 */
async function lockRecipients(client: pg.PoolClient, accountId: string, items: readonly Pick<ConsentEvidence, 'recipient'>[]): Promise<string[]> {
  const recipients = [...new Set(items.map((e) => e.recipient))].sort();
  await client.query(
    `SELECT pg_advisory_xact_lock(hashtextextended('consent ' || $1 || ' ' || r, 0)) FROM (SELECT r FROM unnest($2::text[]) r ORDER BY r) s`,
    [accountId, recipients],
  );
  return recipients;
}

/** New events, in one statement whatever their number (arrays, not one parameter per value). */
async function insertEvents(client: pg.PoolClient, events: readonly ConsentEvent[]): Promise<void> {
  if (events.length === 0) return;
  const column = <K extends keyof ConsentEvent>(key: K) => events.map((e) => e[key]);
  await client.query(
    `INSERT INTO consent_events (id, account_id, brand, recipient, kind, source, channel, wording, reference, ip, occurred_at, dated, recorded_at)
     SELECT t.*, $13::timestamptz
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                 $10::text[], $11::timestamptz[], $12::boolean[])
       AS t(id, account_id, brand, recipient, kind, source, channel, wording, reference, ip, occurred_at, dated)`,
    [
      column('id'),
      column('accountId'),
      column('brand'),
      column('recipient'),
      column('kind'),
      column('source'),
      column('channel'),
      column('wording'),
      column('reference'),
      column('ip'),
      column('occurredAt'),
      column('dated'),
      events[0]!.recordedAt,
    ],
  );
}

/** What every event of one batch shares (an import's brand, channel, wording, reference). */
export type SharedConsentFields = Omit<ConsentEvidence, 'recipient' | 'kind' | 'occurredAt' | 'dated'>;
export type OwnConsentFields = Pick<ConsentEvidence, 'recipient' | 'kind' | 'occurredAt' | 'dated'>;

/** What a row of an import did to the ledger. */
export type ImportedConsent = Pick<RecordedConsent, 'duplicate' | 'overruledBy'>;
const FIRST_EVIDENCE: ImportedConsent = { duplicate: false, overruledBy: null };

/**
 * Appends an import's evidence to the ledger inside the caller's transaction, by COPY (thousands at once), the
 * fields they share written once; identical evidence already recorded is left out. What each row did, in order.
 * A number without any event that appears once in the chunk (most rows of a new base) is new evidence that nothing
 * overrules: only the others go through the ledger's rule.
 */
export async function copyConsentEvents(client: pg.PoolClient, shared: SharedConsentFields, own: readonly OwnConsentFields[], now: Date): Promise<ImportedConsent[]> {
  if (own.length === 0) return [];
  const recipients = await lockRecipients(client, shared.accountId, own);
  const histories = await eventsOf(client, shared.accountId, [shared.brand], recipients);
  const seen = new Map<string, number>();
  for (const e of own) seen.set(e.recipient, (seen.get(e.recipient) ?? 0) + 1);
  const ledgers = new Map<string, RecipientLedger>();
  const rows: CopyValue[][] = [];
  const admissions = own.map((e): ImportedConsent => {
    const history = histories.get(e.recipient)!;
    if (history.length === 0 && seen.get(e.recipient) === 1) {
      rows.push([uuidv7(now.getTime()), e.recipient, e.kind, e.occurredAt, e.dated]);
      return FIRST_EVIDENCE;
    }
    let ledger = ledgers.get(e.recipient);
    if (!ledger) ledgers.set(e.recipient, (ledger = new RecipientLedger(history)));
    const { kind, event, overruledBy } = ledger.admit({ ...shared, ...e }, uuidv7(now.getTime()), now);
    if (kind === 'new') rows.push([event.id, event.recipient, event.kind, event.occurredAt, event.dated]);
    return { duplicate: kind === 'duplicate', overruledBy };
  });
  const { accountId, brand, source, channel, wording, reference, ip } = shared;
  if (rows.length > 0) {
    await copyRows(client, 'consent_events', ['id', 'recipient', 'kind', 'occurred_at', 'dated'], rows, {
      account_id: accountId,
      brand,
      source,
      channel,
      wording,
      reference,
      ip,
      recorded_at: now,
    });
  }
  return admissions;
}

function toEvent(row: Row): ConsentEvent {
  return {
    id: row.id,
    accountId: row.account_id,
    brand: row.brand,
    recipient: row.recipient,
    kind: row.kind,
    source: row.source as ConsentEvent['source'],
    channel: row.channel,
    wording: row.wording,
    reference: row.reference,
    ip: row.ip,
    occurredAt: row.occurred_at,
    dated: row.dated,
    recordedAt: row.recorded_at,
    retracted: row.retracted_at ? { at: row.retracted_at, reason: row.retracted_reason! } : null,
  };
}
