/**
 * The retention job and the rights of a person (docs/retention.md).
 *
 * A run applies every rule of core/retention to every account with the account's periods, records itself
 * (`retention_runs`: who asked, when, the count of each rule) and, when it is a dry run, changes nothing: it walks
 * the same batches and says what the run would remove. The `retention` role runs it periodically; the CLI and the
 * aggregator's API run it on request. One run at a time across the processes sharing the database.
 */
import { accountCutoffs, effectivePeriods, platformCutoffs, zeroCounts, type AccountCutoffs, type AccountRetention, type RuleCounts } from '../core/retention/index.ts';
import { MsisdnError, parseMsisdn } from '../core/numbers/index.ts';
import { InvalidRequest, InvalidState } from './errors.ts';
import type { Clock } from './ports.ts';
import type { AuditRecorder } from './ports/audit.ts';

/** What a run needs of the store (adapters/store/retention-store.ts). */
export interface RetentionStore {
  accounts(): Promise<{ id: string; settings: AccountRetention | undefined }[]>;
  startRun(dryRun: boolean, requestedBy: string, now: Date): Promise<string>;
  finishRun(id: string, counts: RuleCounts, now: Date, error?: string): Promise<void>;
  campaignExchanges(accountId: string, cutoffs: AccountCutoffs, apply: boolean, now: Date): Promise<{ count: number; campaigns: string[] }>;
  exchanges(accountId: string, cutoffs: AccountCutoffs, apply: boolean): Promise<number>;
  inboundScopes(): Promise<(string | null)[]>;
  inbound(accountId: string | null, cutoffs: AccountCutoffs, apply: boolean, erasedCampaigns: readonly string[]): Promise<number>;
  unmatchedReceipts(cutoff: Date, apply: boolean): Promise<number>;
  capSlots(accountId: string, cutoffs: AccountCutoffs, apply: boolean): Promise<number>;
  /** The account's qualification answers past the cut-off deleted, and its lookups' numbers pseudonymised. */
  qualifications(accountId: string, cutoffs: AccountCutoffs, apply: boolean): Promise<{ answers: number; lookups: number }>;
  /** The numbers of the account's localisation hits past the cut-off pseudonymised (the hits stay, billed). */
  localisationHits(accountId: string, cutoffs: AccountCutoffs, apply: boolean): Promise<number>;
  prospects(accountId: string, cutoffs: AccountCutoffs, apply: boolean, now: Date): Promise<{ inactive: number; unanswered: number }>;
  connections(cutoff: Date, apply: boolean): Promise<number>;
  audit(cutoff: Date, apply: boolean): Promise<number>;
  contractContacts(cutoff: Date, apply: boolean): Promise<number>;
  /** Runs `work` holding the retention job's lock; undefined (work not run) when another process holds it. */
  exclusive<T>(work: () => Promise<T>): Promise<T | undefined>;
}

export interface RetentionDeps {
  store: RetentionStore;
  clock: Clock;
}

export interface RunSummary {
  runId: string;
  dryRun: boolean;
  counts: RuleCounts;
  startedAt: Date;
  finishedAt: Date;
}

/** Runs the retention rules once (or says what they would remove); refused while another run is going on. */
export async function runRetention(deps: RetentionDeps, options: { dryRun: boolean; requestedBy: string }): Promise<RunSummary> {
  const summary = await deps.store.exclusive(() => runOnce(deps, options));
  if (!summary) throw new InvalidState('a retention run is already going on');
  return summary;
}

async function runOnce({ store, clock }: RetentionDeps, { dryRun, requestedBy }: { dryRun: boolean; requestedBy: string }): Promise<RunSummary> {
  const startedAt = clock.now();
  const apply = !dryRun;
  const runId = await store.startRun(dryRun, requestedBy, startedAt);
  const counts = zeroCounts();
  try {
    const accounts = await store.accounts();
    const byAccount = new Map<string | null, AccountCutoffs>();
    const erasedCampaigns: string[] = [];
    for (const { id, settings } of accounts) {
      const cutoffs = accountCutoffs(startedAt, effectivePeriods(settings));
      byAccount.set(id, cutoffs);
      const campaigns = await store.campaignExchanges(id, cutoffs, apply, startedAt);
      counts['campaign-exchanges'] += campaigns.count;
      erasedCampaigns.push(...campaigns.campaigns);
      counts.exchanges += await store.exchanges(id, cutoffs, apply);
      counts['cap-slots'] += await store.capSlots(id, cutoffs, apply);
      const qualified = await store.qualifications(id, cutoffs, apply);
      counts.qualifications += qualified.answers;
      counts['qualification-lookups'] += qualified.lookups;
      counts['localisation-hits'] += await store.localisationHits(id, cutoffs, apply);
      const prospects = await store.prospects(id, cutoffs, apply, startedAt);
      counts['prospects-inactive'] += prospects.inactive;
      counts['prospects-unanswered'] += prospects.unanswered;
    }
    const platform = accountCutoffs(startedAt, effectivePeriods(undefined));
    for (const scope of await store.inboundScopes()) {
      counts.inbound += await store.inbound(scope, byAccount.get(scope) ?? platform, apply, erasedCampaigns);
    }
    counts['unmatched-receipts'] += await store.unmatchedReceipts(platform.exchanges, apply);
    const { connections, contractContacts } = platformCutoffs(startedAt);
    counts.connections += await store.connections(connections, apply);
    counts.audit += await store.audit(connections, apply);
    counts['contract-contacts'] += await store.contractContacts(contractContacts, apply);
  } catch (error) {
    await store.finishRun(runId, counts, clock.now(), error instanceof Error ? error.message : String(error)).catch(() => undefined);
    throw error;
  }
  const finishedAt = clock.now();
  await store.finishRun(runId, counts, finishedAt);
  return { runId, dryRun, counts, startedAt, finishedAt };
}

/** The `retention` role: a run every `everyMs` (the first one `everyMs` after the start), one at a time. */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: RetentionDeps & { log: { info(o: object, m: string): void; error(o: object, m: string): void } },
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.deps.store
        .exclusive(() => runOnce(this.deps, { dryRun: false, requestedBy: 'retention role' }))
        .then((summary) => summary && this.deps.log.info({ retention: summary.counts, runId: summary.runId }, 'retention run done'))
        .catch((error) => this.deps.log.error({ err: error }, 'retention run failed'))
        .finally(() => this.schedule());
    }, this.everyMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

// --- the rights of a person ------------------------------------------------------------------------------------------

/** What the rights need of the store (adapters/store/gdpr-store.ts). */
export interface PersonalDataStore<Data, Erasure> {
  export(msisdn: string, accountId: string | null): Promise<Data>;
  accountsHolding(msisdn: string): Promise<string[]>;
  erase(msisdn: string, accountId: string, now: Date): Promise<Erasure>;
  eraseUnattributed(msisdn: string): Promise<number>;
}

/** The number as the store keeps it (E.164), or a problem naming the field. */
export function personNumber(typed: string, field = '/msisdn'): string {
  try {
    return parseMsisdn(typed).e164;
  } catch (error) {
    if (error instanceof MsisdnError) throw new InvalidRequest([{ field, reason: error.message }]);
    throw error;
  }
}

/** Erases a number from one account, or from every account holding it (the aggregator: `accountId` null). */
export async function erasePerson<D, E>(
  store: PersonalDataStore<D, E>,
  clock: Clock,
  msisdn: string,
  accountId: string | null,
): Promise<{ accounts: E[]; unattributedInbound: number }> {
  const now = clock.now();
  const accounts = accountId ? [accountId] : await store.accountsHolding(msisdn);
  const erased: E[] = [];
  for (const id of accounts) erased.push(await store.erase(msisdn, id, now));
  const unattributedInbound = accountId ? 0 : await store.eraseUnattributed(msisdn);
  return { accounts: erased, unattributedInbound };
}

/** An audit entry for what the CLI does (the HTTP API's are written by its hook). */
export async function auditCli(audit: AuditRecorder, clock: Clock, action: string, accountId: string | null, detail: Record<string, unknown>): Promise<void> {
  await audit.record({ at: clock.now(), accountId, actor: { kind: 'cli', id: null, label: process.env.USER ?? null }, ip: null, action, object: null, result: 'ok', status: null, detail });
}
