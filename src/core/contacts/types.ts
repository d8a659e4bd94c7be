/**
 * A client's contacts (PROJETCOM terms §12.2: nom, prénom, fixe, mobile, e-mail, date d'anniversaire, plus the
 * client's own fields). A contact is reached on its mobile, which is its identity within a base (E.164, one contact
 * per number).
 */

/** The fields every contact has. */
export const standardFields = ['mobile', 'lastName', 'firstName', 'landline', 'email', 'birthday'] as const;
export type StandardField = (typeof standardFields)[number];

/** The types a base's own fields can have; values are checked against them on import and on the API. */
export const customFieldTypes = ['text', 'number', 'date', 'boolean'] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

export interface CustomFieldDef {
  /** camelCase letters and digits, starting with a letter: `loyaltyPoints`. */
  name: string;
  type: CustomFieldType;
}

/** text → string, number → number, date → `YYYY-MM-DD`, boolean → boolean. */
export type CustomValue = string | number | boolean;

export interface Contact {
  /** E.164 mobile number: the contact's identity in its base. */
  mobile: string;
  lastName: string | null;
  firstName: string | null;
  /** E.164 when given. */
  landline: string | null;
  email: string | null;
  /** `YYYY-MM-DD`. */
  birthday: string | null;
  custom: Record<string, CustomValue>;
}

/** Custom fields a base may have, however they are added (the API, an import's columns). */
export const MAX_CUSTOM_FIELDS = 100;

/** What a column of an imported file feeds: a field, the recipient's consent, or nothing. */
export type ColumnTarget = StandardField | `custom.${string}` | 'consent' | 'consentDate' | 'ignore';

/** Consent stated by an import's consent column (and when it was given, from its date column). */
export interface ImportedConsent {
  kind: 'opt-in' | 'soft-opt-in' | 'opt-out';
  at: Date | null;
}

/** One accepted row of an import. */
export interface ImportedRow {
  contact: Contact;
  consent: ImportedConsent | null;
}
