import type { Socket } from 'node:net';
import { FramedSocket } from '../framed-socket.ts';
import { encodeFrame, encodeMessage, FrameSplitter, isDecodeFailure, readMessage, type DecodeFailure, type UcpMessage, type UcpMessageInput } from '../../protocols/ucp/index.ts';

/**
 * A TCP socket speaking EMI/UCP: cuts the stream into frames (resynchronising on STX after garbage), decodes
 * them, and writes messages. Writes made in the same tick leave in one system call. An operation that cannot
 * be read but whose header can is answered with a negative result (01 checksum error, 02 syntax error, 03
 * operation not supported), as the specification asks; everything else unreadable is reported and dropped.
 * Used by both ends: the operator link and the simulator.
 */
export class UcpSocket extends FramedSocket {
  private readonly splitter = new FrameSplitter();

  constructor(
    socket: Socket,
    onMessage: (message: UcpMessage) => void,
    onMalformed?: (failure: DecodeFailure) => void,
  ) {
    super(socket);
    socket.on('data', (chunk: Buffer) =>
      this.splitter.push(
        chunk,
        (frame) => this.receive(frame, onMessage, onMalformed),
        (reason) => onMalformed?.({ reason, code: '02' }),
      ),
    );
  }

  /** Writes one message; false when the socket no longer takes writes. Throws UcpEncodeError before writing anything. */
  send(message: UcpMessageInput): boolean {
    return this.write(encodeMessage(message));
  }

  private receive(frame: Buffer, onMessage: (message: UcpMessage) => void, onMalformed: ((failure: DecodeFailure) => void) | undefined): void {
    if (this.socket.destroyed) return; // dropped while reading this chunk: the rest never arrived
    const message = readMessage(frame);
    if (!isDecodeFailure(message)) return onMessage(message);
    onMalformed?.(message);
    const { header, code } = message;
    if (header?.kind === 'O') this.write(encodeFrame(header.trn, 'R', header.ot, ['N', code, '']));
  }
}
