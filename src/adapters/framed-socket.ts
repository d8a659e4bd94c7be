import type { Socket } from 'node:net';

/**
 * The writing side both protocol sockets (SMPP's PduSocket, UCP's UcpSocket) share: frames written in the same
 * tick leave in one system call (the socket is corked until the next tick), and the reason it closed is kept.
 */
export class FramedSocket {
  private corked = false;
  /** Why the socket closed, when we know. */
  closeReason: string | undefined;

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('error', (error) => (this.closeReason ??= error.message));
  }

  get writable(): boolean {
    return this.socket.writable;
  }

  /** Writes one frame; false when the socket no longer takes writes. */
  write(frame: Buffer): boolean {
    if (!this.socket.writable) return false;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.socket.write(frame);
    return true;
  }

  /** Closes after what was written has left. */
  end(reason: string): void {
    this.closeReason ??= reason;
    this.socket.end();
  }

  destroy(reason: string): void {
    this.closeReason ??= reason;
    this.socket.destroy();
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };
}
