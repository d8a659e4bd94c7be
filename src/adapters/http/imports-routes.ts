import { Type } from '@sinclair/typebox';
import { InvalidRequest } from '../../app/errors.ts';
import { findImport, type ImportDeps, type RecordSource } from '../../app/import-contacts.ts';
import type { ContactBases, ImportRecord } from '../../app/ports/contacts.ts';
import { resumeUpload, rollbackImport, uploadContacts } from '../../app/save-contacts.ts';
import type { ColumnTarget } from '../../core/contacts/types.ts';
import { CsvFileError, openCsv, type CsvOptions } from '../csv/csv-source.ts';
import { noticesCsv, rejectionsCsv } from '../csv/csv-write.ts';
import { sendCsv } from './csv-reply.ts';
import { campaignSchemas, ImportQuery } from './campaign-schemas.ts';
import { brandToActAs } from './access.ts';
import type { Api } from './server.ts';

const problem = { $ref: 'Problem#' };
const tags = ['imports'];
const IdParams = Type.Object({ id: Type.String() });

/** The file is the request body, sent as CSV and streamed: an import of a million rows is never held in memory. */
const csvBody = {
  content: {
    'text/csv': {
      // No type: the body is the request stream, never a string to check (ajv would refuse it).
      schema: {
        description:
          'The file: a header line naming the columns, then one line per contact (; , tab or | separated, UTF-8 or Windows-1252). ' +
          'Also accepted as application/csv or text/plain.',
      },
    },
  },
};

/** Uploads of contact files: import, follow, resume, roll back, and download the rejected rows. */
/** What the import routes reach: the imports, and the base, fields and list an upload names. */
type ImportRouteDeps = ImportDeps & { contacts: Pick<ContactBases, 'findBase'> };

export async function importRoutes(app: Api, deps: ImportRouteDeps): Promise<void> {
  for (const schema of campaignSchemas) app.addSchema(schema);

  app.post(
    '/imports',
    {
      schema: {
        summary: 'Import a CSV file of contacts into a base (streamed)',
        description:
          'Send the file as the body with `Content-Type: text/csv`. Columns are mapped from their headers (French and English names: Nom, Prénom, ' +
          'Portable, Tél. fixe, E-mail, Date de naissance, Opt-in SMS…); other columns become text custom fields named after them; `mapping` ' +
          'overrides any column. Rows are settled in chunks: a row that cannot be a contact is rejected with its line and reason (the errors ' +
          'file) and the import goes on. A file without a mobile column is refused (422) before anything is written.',
        tags,
        querystring: ImportQuery,
        body: csvBody,
        response: { 201: Type.Ref('Import'), 400: problem, 404: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const query = request.query as ImportQuery;
      if (query.consentBrand !== undefined) brandToActAs(request, query.consentBrand, '/consentBrand');
      const mapping = mappingOf(query.mapping);
      const source = await csvOf(request.body, { encoding: (query.encoding ?? 'auto') as CsvOptions['encoding'], delimiter: delimiterOf(query.delimiter as string | undefined) });
      const record = await readingFile(() =>
        uploadContacts(
          deps,
          {
            accountId: request.account.id,
            base: query.base,
            ...(query.list === undefined ? {} : { list: query.list }),
            ...(query.fileName === undefined ? {} : { fileName: query.fileName }),
            mapping,
            consent: { brand: query.consentBrand ?? request.account.brand, channel: query.consentChannel ?? null, wording: query.consentWording ?? null },
          },
          source,
        ),
      );
      reply.status(201);
      return presentImport(record);
    },
  );

  app.get(
    '/imports/:id',
    { schema: { summary: 'An import: its status, counts and the line it reached', tags, params: IdParams, response: { 200: Type.Ref('Import'), 404: problem } } },
    async (request) => presentImport(await findImport(deps, request.account.id, request.params.id)),
  );

  app.post(
    '/imports/:id/resume',
    {
      schema: {
        summary: 'Go on with an interrupted import: send the same file again',
        description:
          'The file is read as the first upload read it (encoding, separator, mapping, list and consent evidence are those of the import): the lines ' +
          'already settled are skipped, the others imported. Only a running (interrupted) import can be resumed (409 otherwise).',
        tags,
        params: IdParams,
        body: csvBody,
        response: { 200: Type.Ref('Import'), 400: problem, 404: problem, 409: problem, 422: problem },
      },
    },
    async (request) => {
      const source = ({ settings: { encoding, delimiter } }: ImportRecord) =>
        csvOf(request.body, { encoding: encoding === 'utf-8' || encoding === 'windows-1252' ? encoding : 'auto', delimiter: delimiterOf(delimiter) });
      return presentImport(await readingFile(() => resumeUpload(deps, request.account.id, request.params.id, source)));
    },
  );

  app.post(
    '/imports/:id/rollback',
    {
      schema: {
        summary: 'Undo an import',
        description:
          'Removes the contacts the import created, restores the contacts it updated to what they were, and withdraws the opt-ins it recorded ' +
          '(the ledger keeps them, marked retracted; opt-outs stay honoured).',
        tags,
        params: IdParams,
        response: { 200: Type.Ref('Import'), 404: problem },
      },
    },
    async (request) => presentImport(await rollbackImport(deps, request.account.id, request.params.id)),
  );

  app.get(
    '/imports/:id/errors',
    {
      config: { audit: 'export' },
      schema: {
        summary: 'The rows the import rejected, as CSV: line, reason, row',
        description:
          'RFC 4180, UTF-8 with a byte order mark, CRLF line ends. `row` is the rejected line as read. A field starting with =, +, -, @, a tab or ' +
          'CR gets a leading apostrophe, so that a spreadsheet never runs it as a formula.',
        tags,
        params: IdParams,
        response: { 200: { description: 'The rejected rows', content: { 'text/csv': { schema: Type.String() } } }, 404: problem },
      },
    },
    async (request, reply) => {
      const record = await findImport(deps, request.account.id, request.params.id);
      return sendCsv(reply, `import-${record.id}-errors.csv`, rejectionsCsv(deps.contacts.rejections(record)));
    },
  );

  app.get(
    '/imports/:id/notices',
    {
      config: { audit: 'export' },
      schema: {
        summary: 'The rows the import kept with something to know, as CSV: line, msisdn, reason',
        description:
          'Today: opt-ins of the consent column that did not re-open consent because the recipient had opted out since (a STOP): ' +
          'the row is imported and its opt-in kept as evidence, but no marketing goes to that number until the recipient consents again. ' +
          'Same format as the errors file.',
        tags,
        params: IdParams,
        response: { 200: { description: 'The notices', content: { 'text/csv': { schema: Type.String() } } }, 404: problem },
      },
    },
    async (request, reply) => {
      const record = await findImport(deps, request.account.id, request.params.id);
      return sendCsv(reply, `import-${record.id}-notices.csv`, noticesCsv(deps.contacts.notices(record)));
    },
  );
}


/** The body stream → the parsed file; a file that cannot be read is the client's problem (422), not ours. */
async function csvOf(body: unknown, options: CsvOptions): Promise<RecordSource> {
  if (!isReadable(body)) throw new InvalidRequest([{ field: '/file', reason: 'send the file as the body, with Content-Type: text/csv' }]);
  return readingFile(() => openCsv(body, { ...options, header: true }));
}

function isReadable(body: unknown): body is NodeJS.ReadableStream {
  return typeof body === 'object' && body !== null && typeof (body as NodeJS.ReadableStream).pipe === 'function';
}

/** Runs what reads the file; a file the CSV reader gives up on is refused with its reason. */
async function readingFile<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof CsvFileError) throw new InvalidRequest([{ field: '/file', reason: error.message }]);
    throw error;
  }
}

function delimiterOf(typed: string | undefined): CsvOptions['delimiter'] {
  if (typed === 'tab') return '\t';
  return (typed ?? 'auto') as CsvOptions['delimiter'];
}

/** The `mapping` query parameter: a JSON object, column header → target (the import checks the targets). */
function mappingOf(json: string | undefined): Record<string, ColumnTarget> {
  if (json === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InvalidRequest([{ field: '/mapping', reason: 'mapping is not JSON: send an object such as {"Tél. portable":"mobile","Points":"custom.loyaltyPoints"}' }]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidRequest([{ field: '/mapping', reason: 'mapping is a JSON object: column header → target' }]);
  }
  const problems = Object.entries(parsed)
    .filter(([, target]) => typeof target !== 'string')
    .map(([header]) => ({ field: '/mapping', reason: `the target of "${header}" is not a string (mobile, firstName, custom.<name>, ignore…)` }));
  if (problems.length > 0) throw new InvalidRequest(problems);
  return parsed as Record<string, ColumnTarget>;
}

function presentImport(r: ImportRecord) {
  const headers = r.settings.headers ?? [];
  return {
    id: r.id,
    base: r.baseId,
    list: r.listId,
    fileName: r.fileName,
    status: r.status,
    encoding: r.settings.encoding,
    delimiter: r.settings.delimiter,
    columns: r.settings.targets.map((target, i) => ({ header: headers[i] ?? '', target })),
    linesDone: r.linesDone,
    inserted: r.rowsInserted,
    merged: r.rowsMerged,
    rejected: r.rowsRejected,
    consents: r.consents,
    consentsNotReopened: r.consentsNotReopened,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    errorsUrl: `/v1/imports/${r.id}/errors`,
    noticesUrl: `/v1/imports/${r.id}/notices`,
  };
}
