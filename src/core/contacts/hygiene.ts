/**
 * Number hygiene (docs/domain.md rule 10; PROJETCOM deontology annex, Part II Art. 1): a recipient whose messages
 * failed with "unknown subscriber" more than twice within a month is removed from the account's contacts; a number
 * known to be terminated is removed at once.
 */

/** Removed after more than this many unknown-subscriber failures… */
export const UNKNOWN_SUBSCRIBER_LIMIT = 2;
/** …within this many days. */
export const HYGIENE_WINDOW_DAYS = 30;

/**
 * The receipt error codes that mean "unknown subscriber", per protocol: in SMPP receipts `err` carries the
 * GSM MAP error (1, UnknownSubscriber); in UCP notifications the reason code 000 or 101 (EMI 4.x, table of
 * Rsn codes, as Orange sends them).
 */
export const UNKNOWN_SUBSCRIBER_ERRORS: Readonly<Record<'smpp' | 'ucp', readonly string[]>> = {
  smpp: ['1', '01', '001', '0001'],
  ucp: ['000', '101'],
};

export const UNREACHABLE_REASON = `more than ${UNKNOWN_SUBSCRIBER_LIMIT} "unknown subscriber" failures within ${HYGIENE_WINDOW_DAYS} days`;
