/** core/consent: the consent ledger's rule (state derived from append-only events). Pure. */
export * from './ledger.ts';
