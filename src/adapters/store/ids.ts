import { randomUUID } from 'node:crypto';

/**
 * UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Time-ordered, so the outbox's
 * primary-key index grows at its end instead of splitting pages at random; opaque to clients.
 * Built on randomUUID (version 4, drawn from a buffered entropy pool — much cheaper than randomBytes per id):
 * its first 48 bits become the time and its version digit becomes 7; its variant bits are already RFC 9562's.
 */
export function uuidv7(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = Math.floor(Math.random() * 0x800);
  } else if (++sequence > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next one, as RFC 9562 §6.2 allows.
    lastMs++;
    sequence = 0;
  }
  const time = lastMs.toString(16).padStart(12, '0');
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8)}-7${sequence.toString(16).padStart(3, '0')}${random.slice(18)}`;
}

/**
 * Ids made by this process are strictly increasing (RFC 9562 §6.2, method 1): within one millisecond the
 * 12 bits after the version count up from a random start. Events recorded in the same millisecond (an opt-in
 * then a STOP) keep their order.
 */
let lastMs = 0;
let sequence = 0;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from URLs: anything that is not a UUID is simply not found (instead of a SQL error). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
