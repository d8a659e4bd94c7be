/** The people of an account (users) and its API keys, as the API lists and changes them. */
import type { Right } from '../../core/access/rights.ts';

/** An API key as it is listed: never the key itself. */
export interface ApiKeyView {
  id: string;
  prefix: string;
  label: string | null;
  /** null: every right (a key made before rights existed, or made without a grant). */
  rights: Right[] | null;
  /** null: every brand of the account. */
  brands: string[] | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}
/** A person of an account (or of the aggregator's staff), as the API shows it: never a password or secret. */
export interface User {
  id: string;
  email: string;
  name: string;
  language: 'fr' | 'en';
  accountId: string | null;
  staffRole: 'operator-admin' | 'operator-support' | null;
  administrator: boolean;
  rights: Right[];
  /** null: every brand of the account. */
  brands: string[] | null;
  status: 'invited' | 'active' | 'disabled';
  createdAt: Date;
}

export interface NewUser {
  email: string;
  name: string;
  language?: 'fr' | 'en';
  accountId: string | null;
  staffRole?: 'operator-admin' | 'operator-support' | null;
  administrator?: boolean;
  rights?: readonly Right[];
  brands?: readonly string[] | null;
}

export type UserChanges = Partial<Pick<User, 'name' | 'language' | 'rights' | 'brands'>> & { status?: 'active' | 'disabled' };

/** The account's API keys, as its administrators make, list and revoke them. */
export interface ApiKeys {
  createApiKeyWithId(accountId: string, label: string | null, now: Date, grant: { rights: readonly Right[]; brands: readonly string[] | null; createdBy?: string | null }): Promise<{ id: string; key: string }>;
  listApiKeys(accountId: string): Promise<ApiKeyView[]>;
  revokeApiKeyById(accountId: string, id: string, now: Date): Promise<boolean>;
}

/** The people of an account; createUser throws EmailTaken (app/errors.ts) when the address belongs to a user already. */
export interface Users {
  createUser(input: NewUser, now: Date): Promise<User>;
  listUsers(accountId: string): Promise<User[]>;
  findUser(accountId: string | null, id: string): Promise<User | undefined>;
  updateUser(accountId: string, id: string, changes: UserChanges, now: Date): Promise<User | undefined>;
  transferAdministrator(accountId: string, toId: string): Promise<User | undefined>;
}

/** The account's API keys and users, as the people routes change them. */
export interface PeopleStore extends ApiKeys, Users {
  /** Called once a user is created: the sign-in sends the invitation (absent: nobody is told). */
  onUserCreated?: (user: User) => Promise<void>;
}
