import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeMessage, type OperationType, type UcpMessage, type UcpOperation } from '../../../src/protocols/ucp/index.ts';

const directory = path.join(import.meta.dirname, '../../fixtures/ucp');

/**
 * Captured frames in test/fixtures/ucp, one per file, written without STX and ETX: `spec-*` are the examples
 * printed in EMI/UCP 4.x, `relais-*` what Relais writes to an SMSC, `smsc-*` what an SMSC writes to Relais.
 */
export const fixtureNames = readdirSync(directory)
  .filter((file) => file.endsWith('.txt'))
  .map((file) => file.slice(0, -4));

/** The frame between STX and ETX, as in the file. */
export function fixtureText(name: string): string {
  return readFileSync(path.join(directory, `${name}.txt`), 'latin1').trimEnd();
}

/** The frame as it travels: STX, the text, ETX. */
export function fixtureFrame(name: string): Buffer {
  return Buffer.from(`\x02${fixtureText(name)}\x03`, 'latin1');
}

export function fixtureMessage(name: string): UcpMessage {
  return decodeMessage(fixtureFrame(name));
}

export function fixtureOperation<K extends OperationType>(name: string, ot: K): UcpOperation<K> {
  const message = fixtureMessage(name);
  if (message.kind !== 'O' || message.ot !== ot) throw new Error(`${name} is not an O/${ot}`);
  return message as unknown as UcpOperation<K>;
}
