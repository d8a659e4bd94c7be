import { createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Pseudonyms of phone numbers (docs/retention.md): '#' followed by the hex HMAC-SHA256 of the number under a
 * secret key. A pseudonym is never a number (no door accepts '#'), the same number always gets the same one (so an
 * opposition kept as a pseudonym still matches the number, and a campaign's statistics still join its messages to
 * their answers), and without the key it cannot be turned back into the number.
 *
 * The same HMAC is written in SQL with PostgreSQL's built-in sha256() (RFC 2104: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m))),
 * so that the retention job pseudonymises millions of rows without sending them to Node; the pads are passed as
 * parameters, never stored. test/adapters/store/retention.test.ts checks that both give the same pseudonym.
 */
export class Pseudonyms {
  readonly ipad: Buffer;
  readonly opad: Buffer;

  constructor(private readonly key: Buffer) {
    if (key.length < 16) throw new Error('the pseudonym key must hold at least 16 bytes');
    const block = Buffer.alloc(64);
    (key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block);
    this.ipad = Buffer.from(block.map((b) => b ^ 0x36));
    this.opad = Buffer.from(block.map((b) => b ^ 0x5c));
  }

  /** The pseudonym of a number. */
  of(msisdn: string): string {
    return `#${createHmac('sha256', this.key).update(msisdn, 'utf8').digest('hex')}`;
  }

  /** Whether a stored value is already a pseudonym. */
  static isPseudonym(value: string): boolean {
    return value.startsWith('#');
  }
}

/** The SQL expression of the pseudonym of `expression`, given the placeholders of the pads (bytea). */
export function pseudonymSql(expression: string, ipad: string, opad: string): string {
  return `('#' || encode(sha256(${opad}::bytea || sha256(${ipad}::bytea || convert_to(${expression}, 'UTF8'))), 'hex'))`;
}

/**
 * The key: `hex` when given (64 hex digits), else the file, created with 32 random bytes (mode 0600) when absent.
 * Every process sharing a database must use the same key: give them the same file or value.
 */
export function loadPseudonymKey(options: { hex?: string | undefined; file: string }): Buffer {
  if (options.hex) return Buffer.from(options.hex, 'hex');
  if (!existsSync(options.file)) {
    mkdirSync(path.dirname(options.file), { recursive: true });
    try {
      writeFileSync(options.file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
      chmodSync(options.file, 0o600);
    } catch (error) {
      // Another process created it first: read theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const hex = readFileSync(options.file, 'utf8').trim();
  if (!/^[0-9a-f]{32,}$/i.test(hex)) throw new Error(`${options.file} must hold the pseudonym key as hex digits (at least 32)`);
  return Buffer.from(hex, 'hex');
}
