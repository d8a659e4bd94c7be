/**
 * The alarm sweep (docs/billing.md, "Alarms"): run with the billing sweep, it judges every account with alarm
 * settings on its figures (core/billing/alarms.ts), records the alarms not raised yet in their period (the store
 * keeps one per kind, key and period, and hands each to the account's webhooks), holds or releases the sending of
 * accounts by their hard cap, and sends the alarms' e-mails and SMS.
 */
import { billingMonth, capReached, DEFAULT_SPIKE, evaluateAlarms, holdReason, type Alarm, type AlarmFigures, type AlarmSettings } from '../core/billing/index.ts';
import type { Logger } from './ports.ts';
import type { Mailer } from './sign-in.ts';

/** What the sweep needs of the store. */
export interface AlarmStore {
  watched(accountId?: string): Promise<{ accountId: string; settings: AlarmSettings }[]>;
  figures(accountIds: readonly string[], month: string, now: Date, weeks?: number): Promise<Map<string, AlarmFigures>>;
  raise(accountId: string, alarms: readonly Alarm[], toWebhooks: boolean, now: Date): Promise<(Alarm & { id: string })[]>;
  setHolds(accountIds: readonly string[], capped: ReadonlyMap<string, string>, month: string, now: Date): Promise<{ held: string[]; released: string[] }>;
  claimToNotify(now: Date, accountIds: readonly string[], limit?: number): Promise<(Alarm & { id: string; accountId: string })[]>;
  unsent(ids: readonly string[]): Promise<void>;
}

export interface AlarmDeps {
  store: AlarmStore;
  mailer?: Mailer | undefined;
  /** An SMS from the platform's own account (app/platform-traffic.ts). */
  sendSms?: ((to: string, text: string) => Promise<void>) | undefined;
  /** The account's name, for the notifications. */
  accountName: (accountId: string) => Promise<string>;
  /** Held messages may leave: wake the dispatcher. */
  released: () => void;
  log?: Logger | undefined;
}

export interface AlarmSweep {
  raised: number;
  held: number;
  released: number;
  notified: number;
}

/** Judges the accounts with alarm settings (or only `accountId`), raises, holds, releases and notifies. */
export async function runAlarms(deps: AlarmDeps, now: Date, accountId?: string): Promise<AlarmSweep> {
  const watched = await deps.store.watched(accountId);
  if (watched.length === 0) return { raised: 0, held: 0, released: 0, notified: 0 };
  const month = billingMonth(now);
  const ids = watched.map((w) => w.accountId);
  const weeks = Math.max(DEFAULT_SPIKE.weeks, ...watched.map((w) => w.settings.spike?.weeks ?? 0));
  const figures = await deps.store.figures(ids, month, now, weeks);
  const capped = new Map<string, string>();
  let raised = 0;
  for (const { accountId: id, settings } of watched) {
    const f = figures.get(id)!;
    const alarms = evaluateAlarms(settings, f, now);
    raised += (await deps.store.raise(id, alarms, settings.notify.webhooks, now)).length;
    if (capReached(settings, f)) capped.set(id, holdReason(settings, month));
  }
  // Only the accounts judged here are held or released (an account's settings removed: setSettings drops its hold).
  const { held, released } = await deps.store.setHolds(ids, capped, month, now);
  if (released.length > 0) deps.released();
  if (held.length > 0 || released.length > 0) deps.log?.info({ held, released }, 'sending held or released by the hard cap');
  const notified = await notifyAlarms(deps, new Map(watched.map((w) => [w.accountId, w.settings])), now);
  return { raised, held: held.length, released: released.length, notified };
}

/** Sends the e-mails and SMS of the alarms not notified yet; those whose sending failed are tried again at the next sweep. */
async function notifyAlarms(deps: AlarmDeps, settingsOf: ReadonlyMap<string, AlarmSettings>, now: Date): Promise<number> {
  const alarms = await deps.store.claimToNotify(now, [...settingsOf.keys()]);
  const failed: string[] = [];
  for (const alarm of alarms) {
    const notify = settingsOf.get(alarm.accountId)?.notify;
    if (!notify) continue;
    const name = await deps.accountName(alarm.accountId);
    const sends = [
      ...(deps.mailer ? notify.emails.map((to) => deps.mailer!.send({ to, subject: `[Relais] ${name}: ${alarmTitle(alarm)}`, text: `${alarm.message}\n\nAccount: ${name}\nAlarm: ${alarm.kind} (${alarm.key}), ${alarm.period}\n` })) : []),
      ...(deps.sendSms ? notify.phones.map((to) => deps.sendSms!(to, `Relais ${name}: ${alarm.message}`.slice(0, 300))) : []),
    ];
    const results = await Promise.allSettled(sends);
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (errors.length > 0) {
      failed.push(alarm.id);
      deps.log?.warn({ alarm: alarm.id, errors: errors.map((e) => String(e.reason)) }, 'an alarm could not be notified; tried again at the next sweep');
    }
  }
  await deps.store.unsent(failed);
  return alarms.length - failed.length;
}

const TITLES: Record<Alarm['kind'], string> = {
  'spend-threshold': 'spend threshold reached',
  'volume-threshold': 'volume threshold reached',
  'hard-cap': 'hard cap reached, sending held',
  'outside-hours': 'sending outside the declared hours',
  spike: 'sudden spike of traffic',
};

export const alarmTitle = (alarm: Pick<Alarm, 'kind'>) => TITLES[alarm.kind];
