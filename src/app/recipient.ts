import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type RecipientResult = { ok: true; e164: string } | { ok: false; reason: string };

/** Interim: what people type → E.164 mobile, French plan by default. Replaced by core/numbers. */
export function normaliseRecipient(input: string): RecipientResult {
  const cleaned = input.trim().replace(/^00/, '+');
  const phone = parsePhoneNumberFromString(cleaned, 'FR');
  if (!phone || !phone.isValid()) return { ok: false, reason: `"${input}" is not a valid phone number` };
  const type = phone.getType();
  if (type && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return { ok: false, reason: `"${input}" is not a mobile number (${type.toLowerCase().replace(/_/g, ' ')})` };
  return { ok: true, e164: phone.number };
}
