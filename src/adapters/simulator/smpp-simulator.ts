/** The built-in SMPP SMSC simulator: the server (smsc.ts) and its command line (cli.ts). */
export * from './smsc.ts';
export * from './cli.ts';
