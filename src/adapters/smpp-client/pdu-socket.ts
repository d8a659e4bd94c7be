import type { Socket } from 'node:net';
import { FramedSocket } from '../framed-socket.ts';
import {
  decodePdu,
  encodePdu,
  ESME_RINVCMDLEN,
  isResponse,
  PduFramer,
  readHeader,
  type CommandName,
  type Pdu,
  type PduParams,
} from '../../protocols/smpp/index.ts';

/**
 * A TCP socket speaking SMPP: cuts the stream into PDUs, decodes them, numbers and writes outgoing ones.
 * Writes made in the same tick leave in one system call (the socket is corked until the next tick).
 * A request whose body cannot be decoded is answered with generic_nack; a broken stream closes the socket.
 * Used by both ends: the operator link and the simulator.
 */
export class PduSocket extends FramedSocket {
  private readonly framer = new PduFramer();
  private sequence = 0;
  /** When the last octets arrived (Date.now()). */
  lastReceivedAt = Date.now();
  /** Since when part of a PDU has been waiting for the rest; undefined when none is. */
  partialSince: number | undefined;

  constructor(
    socket: Socket,
    onPdu: (pdu: Pdu) => void,
    onMalformed?: (error: Error) => void,
  ) {
    super(socket);
    socket.on('data', (chunk: Buffer) => {
      this.lastReceivedAt = Date.now();
      try {
        this.framer.push(chunk, (frame) => this.receive(frame, onPdu, onMalformed));
        this.partialSince = this.framer.holding ? (this.partialSince ?? this.lastReceivedAt) : undefined;
      } catch (error) {
        socket.destroy(error as Error);
      }
    });
  }

  nextSequence(): number {
    this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1;
    return this.sequence;
  }

  /** Writes one PDU; false when the socket no longer takes writes. */
  send<C extends CommandName>(command: C, sequence: number, params?: PduParams<C>, status = 0): boolean {
    return this.write(encodePdu(command, sequence, params, status));
  }

  private receive(frame: Buffer, onPdu: (pdu: Pdu) => void, onMalformed: ((error: Error) => void) | undefined): void {
    if (this.socket.destroyed) return; // dropped while reading this chunk: the rest never arrived
    let pdu: Pdu;
    try {
      pdu = decodePdu(frame);
    } catch (error) {
      onMalformed?.(error as Error);
      const { commandId, sequence } = readHeader(frame);
      if (!isResponse(commandId)) this.send('generic_nack', sequence, undefined, ESME_RINVCMDLEN);
      return;
    }
    onPdu(pdu);
  }
}
