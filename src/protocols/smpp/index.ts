/** SMPP 3.4 wire codec and tables: no sockets, no clock. */
export * from './command-status.ts';
export * from './data-coding.ts';
export * from './encode.ts';
export * from './framing.ts';
export * from './pdu.ts';
export * from './receipt.ts';
export * from './short-message.ts';
