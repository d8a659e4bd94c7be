/**
 * Contacts, their bases, lists and segments, imports and audiences. The store is split by what each consumer
 * needs: a use case or a route takes the narrowest of these ports; the PostgreSQL adapter implements them all.
 */
import type { ColumnTarget, Contact, CustomFieldDef, ImportedRow } from '../../core/contacts/types.ts';
import type { SegmentFilter } from '../../core/contacts/segment.ts';

export interface ContactBase {
  id: string;
  accountId: string;
  name: string;
  customFields: CustomFieldDef[];
  createdAt: Date;
}

export interface ContactList {
  id: string;
  baseId: string;
  name: string;
}

export interface Segment {
  id: string;
  baseId: string;
  name: string;
  filter: SegmentFilter;
}

/** A stored contact, with its id (ordered: campaigns walk their audience by it). */
export interface StoredContact extends Contact {
  id: string;
  lastActivityAt: Date | null;
}

/** How an import reads its file and what it records. */
export interface ImportSettings {
  encoding: string;
  delimiter: string;
  headers: string[] | null;
  targets: ColumnTarget[];
  /** Consent columns are recorded for this brand, with this channel and wording (the evidence). */
  consent: { brand: string; channel: string | null; wording: string | null };
}

export type ImportStatus = 'running' | 'completed' | 'rolled-back';

export interface ImportRecord {
  id: string;
  accountId: string;
  baseId: string;
  listId: string | null;
  fileName: string | null;
  status: ImportStatus;
  settings: ImportSettings;
  /** The furthest line of the file settled (stored or rejected); a resumed import skips every settled range. */
  linesDone: number;
  rowsInserted: number;
  rowsMerged: number;
  rowsRejected: number;
  /** Consent events recorded (identical evidence already in the ledger is not recorded again). */
  consents: number;
  /** Opt-ins kept as evidence that did not re-open consent: the recipient had opted out (import notices). */
  consentsNotReopened: number;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface ImportRejection {
  line: number;
  reason: string;
  raw: string;
}

/** A row the import kept, with something the client must know (an opt-in that did not re-open consent). */
export interface ImportNotice {
  line: number;
  msisdn: string;
  reason: string;
}

/** The rows of the file's lines `firstLine`..`lastLine`, settled in one transaction. */
export interface ImportChunk {
  rows: { line: number; row: ImportedRow }[];
  rejections: ImportRejection[];
  firstLine: number;
  lastLine: number;
}

/** Who a campaign (or a segment count) is for: contacts of these bases, in any of the lists, matching the segment. */
export interface Audience {
  baseIds: string[];
  listIds: string[];
  segment: SegmentFilter | null;
  /** The custom fields of the bases: the segment's conditions compare values of their types. */
  customFields: CustomFieldDef[];
}

/** A contact of an audience, with what the guards need to know of it. */
export interface AudienceMember {
  contact: StoredContact;
  /** The consent state for the brand (core/consent's rule): null when there is no event. */
  consent: 'opt-in' | 'soft-opt-in' | 'opt-out' | null;
  /** Local days (YYYY-MM-DD), from yesterday on, on which the recipient already has marketing slots for the brand. */
  capDays: string[];
}

export interface AudienceScope {
  accountId: string;
  brand: string;
  now: Date;
}

/*
 * Contract, for every port below: every read and write is scoped to the account (a base of another account is not
 * found); an import chunk is settled whole or not at all (contacts, consent events, rejections and its line range
 * together).
 */

/** A client's contact bases and their custom fields. */
export interface ContactBases {
  createBase(accountId: string, name: string, customFields: CustomFieldDef[], now: Date): Promise<ContactBase>;
  /** By id or by name. */
  findBase(accountId: string, idOrName: string): Promise<ContactBase | undefined>;
  listBases(accountId: string): Promise<(ContactBase & { contacts: number })[]>;
  /** Adds custom fields (a field of the same name must have the same type). */
  addCustomFields(base: ContactBase, fields: CustomFieldDef[]): Promise<ContactBase>;
}

/** The contacts of one base, as the API writes and reads them. */
export interface BaseContacts {
  /** Inserts or merges contacts (non-empty fields replace the stored ones); how many were new and merged. */
  upsertContacts(base: ContactBase, contacts: Contact[], now: Date): Promise<{ inserted: number; merged: number }>;
  getContact(base: ContactBase, mobile: string): Promise<StoredContact | undefined>;
  listContacts(base: ContactBase, afterId: string | undefined, limit: number): Promise<StoredContact[]>;
}

/** Numbers leaving the contacts: at the client's request, terminated, or unreachable (number hygiene). */
export interface ContactRemoval {
  /** Deletes the numbers from the base, or from every base of the account; each removal audited with the reason. How many contacts. */
  removeNumbers(accountId: string, mobiles: string[], reason: string, now: Date, base?: ContactBase): Promise<number>;
  /**
   * Number hygiene: removes, from every base of their account, the recipients whose messages failed with one of
   * `errors` (receipt error codes per protocol) more than `limit` times since `since`; each removal audited.
   */
  removeUnreachable(errors: Readonly<Record<string, readonly string[]>>, limit: number, since: Date, reason: string, now: Date): Promise<number>;
}

/** The lists of a base and their members. */
export interface ContactLists {
  createList(base: ContactBase, name: string, now: Date): Promise<ContactList>;
  findList(base: ContactBase, idOrName: string): Promise<ContactList | undefined>;
  listLists(base: ContactBase): Promise<(ContactList & { members: number })[]>;
  addToList(list: ContactList, mobiles: string[]): Promise<number>;
}

/** The saved segments of a base. */
export interface Segments {
  saveSegment(base: ContactBase, name: string, filter: SegmentFilter, now: Date): Promise<Segment>;
  findSegment(base: ContactBase, idOrName: string): Promise<Segment | undefined>;
  listSegments(base: ContactBase): Promise<Segment[]>;
}

/** Who a campaign, a dry run or a preview reaches. */
export interface Audiences {
  /** Contacts in the audience, and distinct mobiles among them. */
  countAudience(audience: Audience, scope: AudienceScope): Promise<{ contacts: number; recipients: number }>;
  /** The next `limit` contacts of the audience after the contact id `afterId` ('0' for the first), by id. */
  audience(audience: Audience, scope: AudienceScope, afterId: string, limit: number): Promise<AudienceMember[]>;
}

/** Imports of a file into a base, chunk by chunk, resumable, and what they leave to read afterwards. */
export interface ContactImports {
  startImport(input: { accountId: string; baseId: string; listId: string | null; fileName: string | null; settings: ImportSettings }, now: Date): Promise<ImportRecord>;
  getImport(accountId: string, id: string): Promise<ImportRecord | undefined>;
  /**
   * Settles a chunk whole (contacts, consent events, rejected rows, its line range, the counters); chunks of one
   * import may be settled concurrently. InvalidState when the import is no longer running or the range is taken.
   */
  settleImportChunk(record: ImportRecord, chunk: ImportChunk, now: Date): Promise<ImportRecord>;
  /** The line ranges already settled, in order: what a resume skips. */
  settledRanges(record: ImportRecord): Promise<{ firstLine: number; lastLine: number }[]>;
  finishImport(record: ImportRecord, now: Date): Promise<ImportRecord>;
  /** Removes the contacts the import created, restores those it merged, retracts the opt-ins it declared. */
  rollbackImport(record: ImportRecord, now: Date): Promise<ImportRecord>;
  rejections(record: ImportRecord): AsyncIterable<ImportRejection>;
  notices(record: ImportRecord): AsyncIterable<ImportNotice>;
}

/** Every contact port at once: what the PostgreSQL store implements and what `main.ts` hands out. */
export interface ContactStore extends ContactBases, BaseContacts, ContactRemoval, ContactLists, Segments, Audiences, ContactImports {}
