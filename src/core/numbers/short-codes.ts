/**
 * Short codes (numéros courts): five digits allocated by AFMM/AF2M, each range for one category of traffic
 * (Orange OPS offer (2016), §Déontologie : mieux lutter contre le SPAM; docs/domain.md rule 8).
 */
import type { MessageClass } from '../message/status.ts';
import { ShortCodeError } from './errors.ts';

export type TrafficCategory = 'mo-session' | 'geo-presence' | 'mobile-marketing' | 'interpersonal' | 'm2m';

/**
 * Whether a message class may use a range: `yes`, `no`, or only under a condition the caller must vouch for
 * (an account with the Géo Présence option; an answer within a session opened by an SMS-MO; an M2M SIM card).
 */
export type RangeAllowance = 'yes' | 'no' | 'with-geo-presence' | 'in-mo-session' | 'to-m2m-sim';

export interface ShortCodeRange {
  /** The two leading digits: 34ABC … 38ABC. */
  prefix: string;
  category: TrafficCategory;
  description: string;
  allows: Readonly<Record<MessageClass, RangeAllowance>>;
}

/**
 * The Orange push-SMS ranges (Orange OPS offer (2016), §Déontologie : mieux lutter contre le SPAM). The offer names
 * no range for customer-relation (transactional) traffic although it carries it ("SMS de relation client"); Relais
 * lets it use the mobile-marketing range 36ABC.
 */
export const SHORT_CODE_RANGES: readonly ShortCodeRange[] = [
  { prefix: '34', category: 'mo-session', description: 'SMS-MT in a session started by an SMS-MO', allows: { transactional: 'in-mo-session', marketing: 'no' } },
  { prefix: '35', category: 'geo-presence', description: 'direct marketing with the Géo Présence option', allows: { transactional: 'no', marketing: 'with-geo-presence' } },
  { prefix: '36', category: 'mobile-marketing', description: 'mobile marketing', allows: { transactional: 'yes', marketing: 'yes' } },
  { prefix: '37', category: 'interpersonal', description: 'interpersonal Web2SMS', allows: { transactional: 'no', marketing: 'no' } },
  { prefix: '38', category: 'm2m', description: 'functional messages to M2M SIM cards', allows: { transactional: 'to-m2m-sim', marketing: 'no' } },
];

export interface ShortCode {
  code: string;
  range: ShortCodeRange;
}

/** Parses a short code (surrounding spaces ignored); throws ShortCodeError when it is not 5 digits in 34ABC–38ABC. */
export function parseShortCode(input: string): ShortCode {
  const code = input.trim();
  if (!/^\d{5}$/.test(code)) throw new ShortCodeError(input, 'not-five-digits', `"${input}" is not a short code: a short code has exactly 5 digits`);
  const range = SHORT_CODE_RANGES.find((candidate) => code.startsWith(candidate.prefix));
  if (!range) throw new ShortCodeError(input, 'outside-push-ranges', `"${input}" is outside the push-SMS ranges 34ABC–38ABC`);
  return { code, range };
}
