import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodePdu, type PduOf } from '../../../src/protocols/smpp/index.ts';

/** A captured PDU from test/fixtures/smpp: hex, whitespace ignored, '#' lines are comments. */
export function fixturePdu(name: string): Buffer {
  const text = readFileSync(path.join(import.meta.dirname, '../../fixtures/smpp', `${name}.hex`), 'utf8');
  return Buffer.from(text.replace(/^#.*$/gm, '').replace(/\s+/g, ''), 'hex');
}

export function fixtureDeliverSm(name: string): PduOf<'deliver_sm'> {
  const pdu = decodePdu(fixturePdu(name));
  if (pdu.command !== 'deliver_sm') throw new Error(`${name} is a ${pdu.command}, not a deliver_sm`);
  return pdu;
}
