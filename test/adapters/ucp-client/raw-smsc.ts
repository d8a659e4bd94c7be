/**
 * A hand-driven SMSC for tests that need to choose every frame: it records what the link writes and lets the
 * test answer (or not) frame by frame. Listens on 127.0.0.1; close() ends everything it opened.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { DecodeFailure, UcpMessage, UcpMessageInput } from '../../../src/protocols/ucp/index.ts';
import { UcpSocket } from '../../../src/adapters/ucp-client/ucp-socket.ts';
import { whenSignalled } from '../../support/waiting.ts';

export class RawSession {
  readonly received: UcpMessage[] = [];
  readonly malformed: DecodeFailure[] = [];
  readonly wire: UcpSocket;
  closed = false;
  private readonly listeners = new Set<() => void>();

  constructor(socket: Socket) {
    this.wire = new UcpSocket(
      socket,
      (message) => {
        this.received.push(message);
        this.changed();
      },
      (failure) => this.malformed.push(failure),
    );
    socket.once('close', () => {
      this.closed = true;
      this.changed();
    });
  }

  /** The first message received (from `from` on) that matches, once it has arrived. */
  async next(match: (message: UcpMessage) => boolean, what: string, from = 0): Promise<UcpMessage> {
    let found: UcpMessage | undefined;
    await whenSignalled(() => (found = this.received.slice(from).find(match)) !== undefined, this.listeners, what);
    return found!;
  }

  /** Waits for the n-th message (0-based). */
  async nth(index: number): Promise<UcpMessage> {
    await whenSignalled(() => this.received.length > index, this.listeners, `message #${index}`);
    return this.received[index]!;
  }

  whenClosed(): Promise<void> {
    return whenSignalled(() => this.closed, this.listeners, 'the connection to close');
  }

  send(message: UcpMessageInput): void {
    this.wire.send(message);
  }

  /** Answers the login (the first message) positively. */
  async acceptLogin(): Promise<UcpMessage> {
    const login = await this.next((m) => m.kind === 'O' && m.ot === 60, 'the login');
    this.send({ kind: 'R', ot: 60, trn: login.trn, ack: true, fields: {} });
    return login;
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

export class RawSmsc {
  readonly sessions: RawSession[] = [];
  /** When each connection arrived (performance.now()). */
  readonly arrivals: number[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<RawSmsc> {
    let smsc: RawSmsc | undefined;
    const server = createServer((socket) => smsc!.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    smsc = new RawSmsc(server, typeof address === 'object' && address ? address.port : 0);
    return smsc;
  }

  async session(index: number): Promise<RawSession> {
    await whenSignalled(() => this.sessions.length > index, this.listeners, `connection #${index}`);
    return this.sessions[index]!;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.arrivals.push(performance.now());
    this.sessions.push(new RawSession(socket));
    for (const listener of [...this.listeners]) listener();
  }
}
