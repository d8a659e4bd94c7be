/** How API keys look: an account's start with `rl_`, the aggregator's with `rla_`. */
export const KEY_PREFIX = 'rl_';
export const AGGREGATOR_KEY_PREFIX = 'rla_';

/** A key's first characters, as its listing shows them and the audit trail names it (never enough to use it). */
export function keyPrefixOf(key: string): string {
  return key.slice(0, (key.startsWith(AGGREGATOR_KEY_PREFIX) ? AGGREGATOR_KEY_PREFIX : KEY_PREFIX).length + 6);
}
