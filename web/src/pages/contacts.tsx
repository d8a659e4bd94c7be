/**
 * Contacts: the bases (with their size), a new base, and a CSV import with a progress bar, its outcome, the rejected
 * rows to download and the rollback.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, upload } from '../api.ts';
import { formatCount } from '../format.ts';
import { mayChange, t } from '../state.ts';
import { download, Field, Link, Page, ProblemView, useAction, useLoad } from '../ui.tsx';

interface Base {
  id: string;
  name: string;
  contacts?: number;
}

interface Import {
  id: string;
  base: string;
  fileName: string | null;
  status: 'running' | 'completed' | 'rolled-back';
  linesDone: number;
  inserted: number;
  merged: number;
  rejected: number;
  errorsUrl: string;
}

export function ContactsPage() {
  const bases = useLoad(() => api<{ bases: Base[] }>('GET', '/v1/bases'), []);
  const [name, setName] = useState('');
  const create = useAction(async () => {
    await api('POST', '/v1/bases', { body: { name: name.trim() } });
    setName('');
    bases.reload();
  });
  return (
    <Page title={t('contacts.title')}>
      <h2>{t('contacts.bases')}</h2>
      <ProblemView error={bases.error} />
      {bases.data && bases.data.bases.length === 0 && <p>{t('common.none')}</p>}
      {bases.data && bases.data.bases.length > 0 && (
        <ul class="cards">
          {bases.data.bases.map((b) => (
            <li key={b.id}>
              <strong>
                <Link href={`/contacts/${encodeURIComponent(b.name)}`}>{b.name}</Link>
              </strong>
              <span>{t('contacts.count', { count: formatCount(b.contacts ?? 0) })}</span>
              <span class="hint">{t('contacts.listsAndSegments')}</span>
            </li>
          ))}
        </ul>
      )}
      {mayChange('contacts') && (
        <>
          <form
            class="filters"
            onSubmit={(e) => {
              e.preventDefault();
              void create.run();
            }}
          >
            <Field label={t('contacts.baseName')} error={create.error instanceof ApiError ? create.error.reasonFor('/name') : undefined}>
              {(id, d) => <input id={id} required value={name} aria-describedby={d} onInput={(e) => setName(e.currentTarget.value)} />}
            </Field>
            <button type="submit" disabled={create.busy}>
              {t('contacts.newBase')}
            </button>
          </form>
          <ProblemView error={create.error} />
          <ImportForm bases={bases.data?.bases ?? []} onDone={bases.reload} />
        </>
      )}
    </Page>
  );
}

function ImportForm({ bases, onDone }: { bases: Base[]; onDone: () => void }) {
  const [base, setBase] = useState('');
  const [list, setList] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [imports, setImports] = useState<Import[]>([]);
  const start = useAction(async () => {
    if (!file) return;
    setProgress(0);
    try {
      const done = await upload<Import>('/v1/imports', { base: base || bases[0]?.id, list, fileName: file.name }, file, 'text/csv', (f) => setProgress(f));
      setImports((all) => [done, ...all]);
      onDone();
    } finally {
      setProgress(null);
    }
  });
  const rollback = useAction(async (id: string) => {
    const undone = await api<Import>('POST', `/v1/imports/${encodeURIComponent(id)}/rollback`);
    setImports((all) => all.map((i) => (i.id === id ? undone : i)));
    onDone();
  });
  const errors = useAction((i: Import) => download(i.errorsUrl, `import-${i.id}-errors.csv`));
  return (
    <section aria-labelledby="import-title">
      <h2 id="import-title">{t('contacts.import')}</h2>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void start.run();
        }}
      >
        <div class="row">
          <Field label={t('contacts.base')}>
            {(id) => (
              <select id={id} value={base || bases[0]?.id} required onChange={(e) => setBase(e.currentTarget.value)}>
                {bases.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('contacts.list')}>{(id) => <input id={id} value={list} onInput={(e) => setList(e.currentTarget.value)} />}</Field>
        </div>
        <Field label={t('contacts.file')}>
          {(id) => <input id={id} type="file" accept=".csv,text/csv,text/plain" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />}
        </Field>
        {progress !== null && (
          <p>
            <label for="import-progress">{progress < 1 ? t('contacts.uploading') : t('common.loading')}</label>{' '}
            <progress id="import-progress" max={1} value={progress < 1 ? progress : undefined} aria-label={t('contacts.progress')} />
          </p>
        )}
        <ProblemView error={start.error ?? rollback.error ?? errors.error} />
        <button type="submit" class="primary" disabled={start.busy || bases.length === 0}>
          {t('contacts.importSubmit')}
        </button>
      </form>
      {imports.length > 0 && (
        <>
          <h3>{t('contacts.imports')}</h3>
          <ul class="imports">
            {imports.map((i) => (
              <li key={i.id}>
                <strong>{i.fileName ?? i.id}</strong> —{' '}
                {i.status === 'rolled-back' ? t('contacts.rolledBack') : t('contacts.importDone', { inserted: formatCount(i.inserted), merged: formatCount(i.merged), rejected: formatCount(i.rejected) })}{' '}
                {i.rejected > 0 && (
                  <button type="button" onClick={() => void errors.run(i)}>
                    {t('contacts.rejectedRows')}
                  </button>
                )}{' '}
                {i.status === 'completed' && (
                  <button type="button" disabled={rollback.busy} onClick={() => void rollback.run(i.id)}>
                    {t('contacts.rollback')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
