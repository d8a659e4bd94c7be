/** core/consent: the consent ledger's rule (state derived from append-only events), and whom a reply is for. Pure. */
export * from './ledger.ts';
export * from './attribution.ts';
