/** The e-mail door's side of the accounts: the sender addresses allowlisted for them and where a message's text is read. */

/** Which part of an e-mail becomes the SMS text. */
export type TextFrom = 'body' | 'subject';

/** What the SMTP door reads for each e-mail. */
export interface EmailSenders {
  /** The account a sender address is allowlisted for. */
  accountOfSender(address: string): Promise<string | undefined>;
  textFrom(accountId: string): Promise<TextFrom>;
}

/** The account's own e-mail door, as it reads and changes it over the API. */
export interface EmailDoorSettings {
  senders(accountId: string): Promise<string[]>;
  /** Allowlists addresses for an account; an address already taken by another account is returned, not moved. */
  allowSenders(accountId: string, addresses: readonly string[], now: Date): Promise<{ taken: string[] }>;
  revokeSenders(accountId: string, addresses: readonly string[]): Promise<void>;
  textFrom(accountId: string): Promise<TextFrom>;
  setTextFrom(accountId: string, textFrom: TextFrom, now: Date): Promise<void>;
}
