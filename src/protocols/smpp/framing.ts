import { HEADER_LENGTH, SmppDecodeError } from './pdu.ts';

/** Longest PDU accepted; anything longer is taken for a corrupt stream. */
export const MAX_PDU_LENGTH = 64 * 1024;

/**
 * Cuts a TCP byte stream into whole PDUs (command_length, a 4-octet big-endian prefix, counts itself).
 * Pure: give it chunks as they arrive; it calls `onFrame` with each complete PDU, in order.
 */
export class PduFramer {
  private held: Buffer | undefined;

  /** True while the start of a PDU waits for the rest. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    const data = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    let offset = 0;
    while (data.length - offset >= 4) {
      const length = data.readUInt32BE(offset);
      if (length < HEADER_LENGTH || length > MAX_PDU_LENGTH) {
        this.held = undefined;
        throw new SmppDecodeError(`impossible command_length ${length}: the stream is out of step`);
      }
      if (data.length - offset < length) break;
      onFrame(data.subarray(offset, offset + length));
      offset += length;
    }
    // Copy the tail so a large chunk is not kept alive by a few held octets.
    this.held = offset === data.length ? undefined : Buffer.from(data.subarray(offset));
  }
}
