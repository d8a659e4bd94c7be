/**
 * core/contacts: a base's contacts and what an import makes of a file — the column mapping suggested from the
 * headers and its check, and each row read into a contact and its consent. Pure functions, no I/O.
 */
export * from './types.ts';
export { checkMapping, customFieldName, isCustomFieldName, suggestMapping } from './mapping.ts';
export { MAX_TEXT_LENGTH, readFieldValue, toImportedRow, type RowReading, type TextField } from './row.ts';
export { HYGIENE_WINDOW_DAYS, UNKNOWN_SUBSCRIBER_ERRORS, UNKNOWN_SUBSCRIBER_LIMIT, UNREACHABLE_REASON } from './hygiene.ts';
export * from './segment.ts';
