/** Alarms on consumption and the hard cap (docs/billing.md, "Alarms"), as the account reads and sets them. */
import type { Alarm, AlarmSettings } from '../../core/billing/index.ts';

/** An alarm as stored: raised once per account, kind, key and period. */
export interface RaisedAlarm extends Alarm {
  readonly id: string;
  readonly accountId: string;
  readonly raisedAt: Date;
  readonly notifiedAt: Date | null;
}

/** An account whose sending is held by its hard cap. */
export interface SendingHold {
  readonly accountId: string;
  readonly month: string;
  readonly reason: string;
  readonly since: Date;
}

/** The account's alarms, its settings and its hold (the sweep's own port is app/billing-alarms.ts `AlarmStore`). */
export interface AccountAlarms {
  settingsOf(accountId: string): Promise<AlarmSettings | undefined>;
  /** Sets the settings (checked by the caller); null removes them (and a hold they made). */
  setSettings(accountId: string, settings: AlarmSettings | null, by: string | null, now: Date): Promise<void>;
  /** The account's alarms, newest first. */
  list(accountId: string, filter?: { period?: string; limit?: number }): Promise<RaisedAlarm[]>;
  holdOf(accountId: string): Promise<SendingHold | undefined>;
}
