import { connect, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import { PduSocket } from '../../../src/adapters/smpp-client/pdu-socket.ts';
import type { CommandName, Pdu, PduParams } from '../../../src/protocols/smpp/index.ts';

/** A small SMPP client for the tests: requests answered by sequence, deliver_sm collected (and acknowledged unless told). */
export class TestEsme {
  readonly received: Pdu[] = [];
  /** Every PDU in arrival order (responses included). */
  readonly log: Pdu[] = [];
  private readonly waiting = new Map<number, (pdu: Pdu) => void>();
  private listeners: (() => void)[] = [];
  /** deliver_sm_resp status to answer with; null: leave unanswered. */
  deliverStatus: number | null = 0;
  readonly closed: Promise<void>;
  private constructor(readonly wire: PduSocket) {
    this.closed = new Promise((resolve) => wire.socket.once('close', () => resolve()));
  }

  /** Connects over TCP, or over TLS when `tls` is given (e.g. `{ ca, servername: 'localhost' }`). */
  static async connect(port: number, tls?: ConnectionOptions): Promise<TestEsme> {
    const socket: Socket = tls ? connectTls({ ...tls, port, host: '127.0.0.1' }) : connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once(tls ? 'secureConnect' : 'connect', resolve).once('error', reject));
    let esme!: TestEsme;
    const wire = new PduSocket(socket, (pdu) => esme.onPdu(pdu));
    socket.on('error', () => undefined);
    esme = new TestEsme(wire);
    return esme;
  }

  static async bound(
    port: number,
    systemId: string,
    password: string,
    mode: 'bind_transmitter' | 'bind_receiver' | 'bind_transceiver' = 'bind_transceiver',
    tls?: ConnectionOptions,
  ): Promise<TestEsme> {
    const esme = await TestEsme.connect(port, tls);
    const resp = await esme.request(mode, { system_id: systemId, password, interface_version: 0x34 });
    if (resp.status !== 0) throw new Error(`bind refused: 0x${resp.status.toString(16)}`);
    return esme;
  }

  private onPdu(pdu: Pdu): void {
    this.log.push(pdu);
    const waiter = this.waiting.get(pdu.sequence);
    if (waiter && pdu.commandId & 0x80000000) {
      this.waiting.delete(pdu.sequence);
      waiter(pdu);
    } else if (pdu.command === 'deliver_sm') {
      this.received.push(pdu);
      if (this.deliverStatus !== null) this.wire.send('deliver_sm_resp', pdu.sequence, { message_id: '' }, this.deliverStatus);
    } else if (pdu.command === 'enquire_link') {
      this.wire.send('enquire_link_resp', pdu.sequence);
    }
    for (const listener of this.listeners) listener();
  }

  request<C extends CommandName>(command: C, params?: PduParams<C>, timeoutMs = 5_000): Promise<Pdu> {
    const sequence = this.wire.nextSequence();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${command}`)), timeoutMs);
      this.waiting.set(sequence, (pdu) => {
        clearTimeout(timer);
        resolve(pdu);
      });
      this.wire.send(command, sequence, params);
    });
  }

  /** Sends a raw frame (already encoded). */
  raw(frame: Buffer): void {
    this.wire.socket.write(frame);
  }

  async until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.listeners = [];
    }
  }

  async close(): Promise<void> {
    this.wire.destroy('test done');
    await this.closed;
  }
}

/** submit_sm parameters for a text (GSM-safe ASCII under data_coding 0, else UCS-2). */
export function textSubmit(to: string, text: string, extra: PduParams<'submit_sm'> = {}): PduParams<'submit_sm'> {
  const ascii = /^[A-Za-z0-9 .,!?]*$/.test(text);
  return {
    source_addr: '',
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: to,
    registered_delivery: 1,
    data_coding: ascii ? 0 : 8,
    short_message: ascii ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf16le').swap16(),
    ...extra,
  };
}
