/**
 * Whom a reply to a short code is for (docs/domain.md rule 2). A short code may carry several accounts' marketing:
 * a STOP speaks to what the recipient actually received on it — marketing handed to the SMSC, never a slot taken
 * for a message still waiting for its day. The latest one is the answer; any other account or brand whose marketing
 * reached the number within a day of it is in doubt, and a STOP in doubt opts out of every candidate (the safe side:
 * a recipient who said no must not keep receiving).
 */

/** The latest marketing an account sent for a brand to a number on a short code. */
export interface MarketingReceived {
  accountId: string;
  brand: string;
  sentAt: Date;
}

/** An account and a brand (or '*', every brand of the account) a reply is for. */
export interface Attribution {
  accountId: string;
  brand: string;
}

/** Marketing received this close to the latest is just as likely to be what the reply answers. */
export const ATTRIBUTION_DOUBT_MS = 24 * 3_600_000;

/** The accounts and brands a reply is attributed to, from the marketing received (any order); [] when none. */
export function attributeReply(received: readonly MarketingReceived[], doubtMs = ATTRIBUTION_DOUBT_MS): Attribution[] {
  if (received.length === 0) return [];
  const latest = Math.max(...received.map((r) => r.sentAt.getTime()));
  return received
    .filter((r) => r.sentAt.getTime() >= latest - doubtMs)
    .sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime())
    .map(({ accountId, brand }) => ({ accountId, brand }));
}
