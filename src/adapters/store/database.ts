import { Kysely, Migrator, PostgresDialect, type ColumnType, type Generated } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import type { TextFrom } from '../../app/ports/email.ts';

export type { TextFrom };

// timestamptz comes back as Date; bigint (int8) as string; we keep both as pg gives them.
type Timestamp = ColumnType<Date, Date, Date>;

export interface AccountsTable {
  id: string;
  name: string;
  default_short_code: string | null;
  in_doubt_policy: 'hold' | 'retry';
  created_at: Timestamp;
  brand: string | null;
  contact_reply: string | null;
  cap_policy: Generated<'defer' | 'reject'>;
  allow_resubscribe: Generated<boolean>;
  keywords: ColumnType<Record<string, string[]> | null, string | null, string | null>;
  alphanumeric_senders: Generated<string[]>;
  options: Generated<string[]>;
  rule_set: ColumnType<{ name: string; version: string } | null, string | null, string | null>;
  stop_wording: ColumnType<{ shortCode?: string; alphanumeric?: string } | null, string | null, string | null>;
  stop_short_code: string | null;
  marketing_per_day: number | null;
  legal_name: string | null;
  siren: string | null;
  siret: string | null;
  vat_number: string | null;
  postal_address: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  require_second_factor: Generated<boolean>;
  status: Generated<'active' | 'suspended' | 'closed'>;
  status_reason: string | null;
  status_changed_at: Timestamp | null;
}
export interface AccountBrandsTable {
  account_id: string;
  brand: string;
  created_at: Timestamp;
}
export interface UsersTable {
  id: string;
  email: string;
  name: string;
  language: Generated<'fr' | 'en'>;
  account_id: string | null;
  staff_role: 'operator-admin' | 'operator-support' | null;
  administrator: Generated<boolean>;
  rights: Generated<string[]>;
  brands: string[] | null;
  phone: string | null;
  password_hash: string | null;
  totp_secret: string | null;
  second_factor: 'totp' | 'sms' | null;
  status: Generated<'invited' | 'active' | 'disabled'>;
  created_at: Timestamp;
  password_set_at: Timestamp | null;
  disabled_at: Timestamp | null;
  totp_last_step: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  totp_pending_secret: ColumnType<string | null, string | null | undefined, string | null>;
}
export interface SessionsTable {
  token_hash: Buffer;
  user_id: string;
  csrf_token: string;
  second_factor_pending: Generated<boolean>;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}
export interface UserTokensTable {
  token_hash: Buffer;
  user_id: string;
  purpose: 'invitation' | 'password-reset' | 'sms-code';
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  attempts: Generated<number>;
}
export interface SignInFailuresTable {
  id: Generated<string>;
  email_key: string;
  ip: string;
  at: Timestamp;
  forgiven: Generated<boolean>;
}
export interface AuditEventsTable {
  id: Generated<string>;
  at: Timestamp;
  account_id: string | null;
  actor_kind: 'user' | 'key' | 'staff' | 'cli' | 'system' | 'anonymous';
  actor_id: string | null;
  actor_label: string | null;
  ip: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  result: 'ok' | 'refused' | 'failed';
  status: number | null;
  detail: ColumnType<unknown, string | null, string | null>;
}
export interface AccountShortCodesTable {
  account_id: string;
  short_code: string;
}
export interface ApiKeysTable {
  id: string;
  account_id: string | null;
  role: Generated<'account' | 'aggregator'>;
  key_hash: Buffer;
  key_prefix: string;
  label: string | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  rights: string[] | null;
  brands: string[] | null;
  last_used_at: Timestamp | null;
  created_by: string | null;
  staff_role: 'operator-admin' | 'operator-support' | null;
}
export interface RoutesTable {
  name: string;
  protocol: 'smpp' | 'ucp';
  host: string;
  port: number;
  system_id: string;
  password: string;
  settings: ColumnType<Record<string, unknown>, string, string>;
  updated_at: Timestamp;
  operator: string | null;
  subscribers_only: Generated<boolean>;
  paused_at: Timestamp | null;
  paused_reason: string | null;
}
export interface ShortCodeRoutesTable {
  short_code: string;
  route: string;
  position: number;
}
export interface ShortCodesTable {
  number: string;
  route: string;
  rate_per_second: number;
  updated_at: Timestamp;
}
export interface MessagesTable {
  id: string;
  account_id: string;
  recipient: string;
  sender: string;
  short_code: string;
  class: 'transactional' | 'marketing';
  priority: number;
  body: string;
  encoding: 'gsm7' | 'ucs2';
  segments: number;
  status: string;
  due_at: Timestamp;
  attempts: Generated<number>;
  parts_accepted: Generated<number>;
  possible_duplicate: Generated<boolean>;
  client_reference: string | null;
  error_code: string | null;
  error_reason: string | null;
  created_at: Timestamp;
  submitted_at: Timestamp | null;
  done_at: Timestamp | null;
  updated_at: Timestamp;
  brand: Generated<string>;
  compliance: ColumnType<unknown, string | null, string | null>;
  route: string | null;
  /** The message's routing decision (route_decisions.id, migration 0025); null: its short code's route. */
  route_decision: string | null;
}
export interface RouteDecisionsTable {
  id: string;
  route: string;
  reason: string;
  fallbacks: string[];
}
export interface MessagePartsTable {
  message_id: string;
  part_index: number;
  route: string;
  smsc_message_id: string;
  submitted_at: Timestamp;
  receipt_state: string | null;
  receipt_error: string | null;
  receipt_at: Timestamp | null;
  receipt_raw: Buffer | null;
}
export interface MessageEventsTable {
  id: Generated<string>;
  message_id: string;
  account_id: string;
  status: string;
  reason: string | null;
  at: Timestamp;
}
export interface PendingReceiptsTable {
  id: Generated<string>;
  route: string;
  smsc_message_id: string;
  state: string;
  error_code: string | null;
  done_at: Timestamp | null;
  raw: Buffer;
  received_at: Timestamp;
}
export interface InboundMessagesTable {
  id: string;
  route: string;
  sender: string;
  recipient: string;
  body: string;
  received_at: Timestamp;
  intent: Generated<string>;
  keyword: string | null;
  account_id: string | null;
  brand: string | null;
}
export interface WebhooksTable {
  id: string;
  account_id: string;
  url: string;
  secret: string;
  events: string[];
  active: Generated<boolean>;
  created_at: Timestamp;
}
export interface WebhookDeliveriesTable {
  id: Generated<string>;
  webhook_id: string;
  event_id: string;
  status: Generated<'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  parts_accepted: Generated<number>;
  next_attempt_at: Timestamp;
  created_at: Timestamp;
  delivered_at: Timestamp | null;
}
export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  at: Timestamp;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
}
export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  request_hash: string;
  message_ids: string[];
  created_at: Timestamp;
}
export interface ConsentEventsTable {
  id: string;
  account_id: string;
  brand: string;
  recipient: string;
  kind: 'opt-in' | 'soft-opt-in' | 'opt-out';
  source: string;
  channel: string | null;
  wording: string | null;
  reference: string | null;
  ip: string | null;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
  dated: boolean;
}
export interface MarketingSlotsTable {
  account_id: string;
  brand: string;
  recipient: string;
  local_day: ColumnType<string, string, string>;
  slot: number;
  short_code: string;
  message_id: string;
}
/** Where an account's mails take the SMS text from. */
export interface EmailSendersTable {
  address: string;
  account_id: string;
  created_at: Timestamp;
}
export interface EmailSettingsTable {
  account_id: string;
  text_from: TextFrom;
  updated_at: Timestamp;
}
export interface RouteLeasesTable {
  route: string;
  owner: string;
  expires_at: Timestamp;
}

export interface SmppCredentialsTable {
  account_id: string;
  system_id: string;
  password_hash: string;
  allowed_ips: string[];
  max_binds: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface SmppSubmissionsTable {
  message_id: string;
  /** The id the client was given for the submit_sm: the message id, or a part's id. */
  receipt_id: string;
  account_id: string;
  registered_delivery: number;
  source_addr: string;
  source_addr_ton: number;
  source_addr_npi: number;
  submitted_at: Timestamp;
  receipt_acked_at: Timestamp | null;
}
export interface DeadLettersTable {
  id: Generated<string>;
  kind: 'outcome' | 'receipt';
  route: string;
  subject: string;
  reason: string;
  payload: string;
  set_aside_at: Timestamp;
}
export interface SmppMoAcksTable {
  inbound_id: string;
  account_id: string;
  acked_at: Timestamp;
}

/** Billing (migration 0013). */
export interface UsageLinesTable {
  message_id: string;
  part_index: number;
  account_id: string;
  brand: string;
  class: 'transactional' | 'marketing';
  short_code: string;
  route: string;
  campaign_id: string | null;
  parts: Generated<number>;
  final_state: string;
  settled_by: 'receipt' | 'timeout';
  month: string;
  settled_at: Timestamp;
}
export interface BillingSweepsTable {
  name: string;
  swept_until: Timestamp;
}
export interface BillingPlansTable {
  account_id: string;
  plan: ColumnType<unknown, string, string>;
  payment: 'prepaid' | 'postpaid';
  updated_at: Timestamp;
  updated_by: string | null;
}
export interface CreditAccountsTable {
  account_id: string;
  balance: ColumnType<string, number | string, number | string>;
  reserved: ColumnType<string, number | string, number | string>;
  prepaid: Generated<boolean>;
  part_price: ColumnType<string, number | string, number | string>;
}
export interface CreditMovementsTable {
  id: Generated<string>;
  account_id: string;
  kind: 'top-up' | 'charge' | 'adjustment';
  amount: ColumnType<string, number | string, number | string>;
  message_id: string | null;
  by_whom: string | null;
  reason: string | null;
  at: Timestamp;
}
export interface InvoiceCountersTable {
  series: string;
  last_number: ColumnType<string, number | string, number | string>;
}
export interface InvoicesTable {
  number: string;
  series: string;
  sequence: ColumnType<string, number | string, number | string>;
  account_id: string;
  month: string;
  issued_at: Timestamp;
  lines: ColumnType<unknown, string, string>;
  total: ColumnType<string, number | string, number | string>;
  vat_basis_points: number;
  vat: ColumnType<string, number | string, number | string>;
  total_with_vat: ColumnType<string, number | string, number | string>;
}

export interface Database {
  accounts: AccountsTable;
  account_short_codes: AccountShortCodesTable;
  api_keys: ApiKeysTable;
  account_brands: AccountBrandsTable;
  users: UsersTable;
  sessions: SessionsTable;
  user_tokens: UserTokensTable;
  sign_in_failures: SignInFailuresTable;
  audit_events: AuditEventsTable;
  routes: RoutesTable;
  short_codes: ShortCodesTable;
  short_code_routes: ShortCodeRoutesTable;
  messages: MessagesTable;
  route_decisions: RouteDecisionsTable;
  message_parts: MessagePartsTable;
  message_events: MessageEventsTable;
  pending_receipts: PendingReceiptsTable;
  inbound_messages: InboundMessagesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  idempotency_keys: IdempotencyKeysTable;
  route_leases: RouteLeasesTable;
  consent_events: ConsentEventsTable;
  marketing_slots: MarketingSlotsTable;
  email_senders: EmailSendersTable;
  email_settings: EmailSettingsTable;
  smpp_credentials: SmppCredentialsTable;
  smpp_submissions: SmppSubmissionsTable;
  smpp_mo_acks: SmppMoAcksTable;
  dead_letters: DeadLettersTable;
  usage_lines: UsageLinesTable;
  billing_sweeps: BillingSweepsTable;
  billing_plans: BillingPlansTable;
  credit_accounts: CreditAccountsTable;
  credit_movements: CreditMovementsTable;
  invoice_counters: InvoiceCountersTable;
  invoices: InvoicesTable;
}

export interface Db {
  readonly pool: pg.Pool;
  readonly kysely: Kysely<Database>;
  close(): Promise<void>;
}

export function openDatabase(url: string, options: { maxConnections?: number } = {}): Db {
  // A server that does not answer fails a request within seconds instead of holding it.
  // No JIT: Relais's statements are short index probes, and JIT compiling them (triggered by their estimated cost,
  // e.g. the consent rule's subqueries per contact) took 270 of 350 ms of an audience page.
  const pool = new pg.Pool({ connectionString: url, options: '-c jit=off', max: options.maxConnections ?? 10, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { pool, kysely, close: () => kysely.destroy() };
}

/**
 * Whether an error says the database cannot be reached now (down, restarting, shutting down, connection lost):
 * a request that met it may be tried again later, unlike one that failed for what it asked.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code && (UNREACHABLE_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03')) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message ?? '');
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** Why the database cannot take work now (a trivial query failed within `timeoutMs`), or undefined when it can. */
export async function databaseProblem(db: Db, timeoutMs = 2_000): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.pool.query('SELECT 1'),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Applies pending migrations; safe when several processes start at once (the migrator takes a lock). */
export async function migrate(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db: db.kysely, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
