/**
 * Failed logins (SMPP binds, SMTP AUTH), counted so that guessing passwords costs time whatever the client does:
 *
 * - per (user, address): after `perAccount` failures within `windowMs`, that user is refused from that address for
 *   `blockMs` — another account's client behind the same address still logs in;
 * - per address: after `perAddress` failures (any user), the address is refused for `blockMs`;
 * - a login counts **from the moment it is checked**, before the password is, so logins sent at once cannot all be
 *   checked: at most the number of attempts left are checked in parallel, the others are refused at once.
 */
export interface LoginGuardLimits {
  perAccount: number;
  perAddress: number;
  windowMs: number;
  blockMs: number;
}

interface Tally {
  failures: number[];
  checking: number;
  blockedUntil: number;
}

export interface LoginAttempt {
  /** Called once, with whether the login failed for a reason that counts (a wrong password, an address not allowed). */
  end(failed: boolean): void;
}

export class LoginGuard {
  private readonly tallies = new Map<string, Tally>();

  constructor(
    private readonly limits: LoginGuardLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** An attempt to check, or why it is refused without checking. */
  begin(address: string, user: string): LoginAttempt | { refused: string } {
    const now = this.now();
    const counted = [
      { tally: this.tally(`${address} ${user}`, now), limit: this.limits.perAccount, what: `${user} from this address` },
      { tally: this.tally(address, now), limit: this.limits.perAddress, what: 'this address' },
    ];
    for (const { tally, limit, what } of counted) {
      if (tally.blockedUntil > now || tally.failures.length + tally.checking >= limit) {
        return { refused: `too many failed logins of ${what}; try again in ${Math.ceil(Math.max(tally.blockedUntil - now, this.limits.windowMs) / 1000)} s` };
      }
    }
    for (const { tally } of counted) tally.checking++;
    let ended = false;
    return {
      end: (failed) => {
        if (ended) return;
        ended = true;
        const at = this.now();
        for (const { tally, limit } of counted) {
          tally.checking--;
          if (!failed) continue;
          tally.failures.push(at);
          if (tally.failures.length >= limit) tally.blockedUntil = at + this.limits.blockMs;
        }
        if (!failed) counted[0]!.tally.failures = [];
      },
    };
  }

  private tally(key: string, now: number): Tally {
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { failures: [], checking: 0, blockedUntil: 0 };
      this.tallies.set(key, tally);
    }
    tally.failures = tally.failures.filter((at) => at > now - this.limits.windowMs);
    if (tally.blockedUntil <= now && tally.blockedUntil !== 0) {
      tally.blockedUntil = 0;
      tally.failures = [];
    }
    return tally;
  }

  /** Forgets what no longer counts (called now and then, so that the map does not grow with every address seen). */
  sweep(): void {
    const now = this.now();
    for (const [key, tally] of this.tallies) {
      if (tally.checking === 0 && tally.blockedUntil <= now && tally.failures.every((at) => at <= now - this.limits.windowMs)) this.tallies.delete(key);
    }
  }
}
