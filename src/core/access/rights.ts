/**
 * Who may do what (docs/accounts.md). An account's administrator holds every right and manages its users; a user
 * or an API key of an account holds a set of rights, optionally limited to some of the account's brands. The
 * aggregator's staff reach every account: `operator-admin` may do everything, `operator-support` reads and changes
 * nothing. Pure: the adapters resolve the caller, this decides.
 */

/** Each right is a capability a person would name; holding it allows reading and changing what it covers. */
export const RIGHTS = [
  'messages', // send messages, read them and their receipts
  'campaigns', // draft, dry-run, start, pause, cancel campaigns
  'contacts', // contact bases, contacts, lists, segments, imports
  'consents', // the consent ledger: record, read, export
  'inbound', // the MOs received
  'statistics', // campaign and traffic figures
  'billing', // usage, invoices, credit
  'settings', // webhooks, SMPP and e-mail doors, keywords
  'api-keys', // the account's API keys
  'users', // the account's users and their rights
  'incidents', // incident tickets: open, follow, comment (the account's designated contacts: docs/incidents.md)
] as const;
export type Right = (typeof RIGHTS)[number];

export const STAFF_ROLES = ['operator-admin', 'operator-support'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Rights, and the brands they are limited to (null: every brand of the account). */
export interface Grant {
  rights: ReadonlySet<Right>;
  brands: readonly string[] | null;
}

export type Principal =
  /** A person of an account, signed in. */
  | ({ kind: 'user'; id: string; accountId: string; administrator: boolean } & Grant)
  /** An API key of an account. */
  | ({ kind: 'key'; id: string; accountId: string } & Grant)
  /** The aggregator's staff, signed in or with an aggregator key. */
  | { kind: 'staff'; id: string; role: StaffRole; via: 'user' | 'key' };

/** What an operation needs: a right, whether it changes anything, and the brand it concerns when it concerns one. */
export interface Need {
  right: Right;
  write: boolean;
  brand?: string | undefined;
}

export const ALL_RIGHTS: ReadonlySet<Right> = new Set(RIGHTS);

/** Whether the principal may carry out an operation with this need. */
export function allows(principal: Principal, need: Need): boolean {
  if (principal.kind === 'staff') return principal.role === 'operator-admin' || !need.write;
  if (!principal.rights.has(need.right)) return false;
  return need.brand === undefined || reachesBrand(principal, need.brand);
}

/** Whether an account's principal reaches a brand (staff reach every brand). */
export function reachesBrand(principal: Principal, brand: string): boolean {
  return principal.kind === 'staff' || principal.brands === null || principal.brands.includes(brand);
}

/** The grant of an administrator: every right, every brand. */
export const ADMINISTRATOR_GRANT: Grant = { rights: ALL_RIGHTS, brands: null };

/** Rights given as text (an API payload, a CLI option, a database row): the unknown ones, to be refused by name. */
export function unknownRights(names: readonly string[]): string[] {
  return names.filter((n) => !(RIGHTS as readonly string[]).includes(n));
}

/** A grant a principal may hand to a user or key: never more rights or brands than it holds itself. */
export function canDelegate(principal: Principal, grant: Grant): boolean {
  if (principal.kind === 'staff') return principal.role === 'operator-admin';
  if (principal.kind === 'user' && principal.administrator) return true;
  for (const right of grant.rights) if (!principal.rights.has(right)) return false;
  if (principal.brands === null) return true;
  return grant.brands !== null && grant.brands.every((b) => principal.brands!.includes(b));
}
