/** Small pieces every page uses: labelled fields, links, the error panel, statuses in words. */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, headersFor, type Problem } from './api.ts';
import { isKey, type Key } from './i18n.ts';
import { navigate, t } from './state.ts';

/** A link inside the portal: a real <a> (keyboard, middle-click), navigation without reloading. */
export function Link(props: { href: string; children: ComponentChildren; class?: string; current?: boolean }) {
  const follow = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} class={props.class} onClick={follow} aria-current={props.current ? 'page' : undefined}>
      {props.children}
    </a>
  );
}

let nextId = 0;
function useId(prefix: string): string {
  const [id] = useState(() => `${prefix}-${++nextId}`);
  return id;
}

interface FieldProps {
  label: string;
  hint?: string | undefined;
  /** The API's reason for refusing this field, shown under it. */
  error?: string | undefined;
  children: (id: string, describedBy: string | undefined) => JSX.Element;
}

/** A field with its label, its hint and the API's reason for refusing it, all tied to the input for screen readers. */
export function Field({ label, hint, error, children }: FieldProps) {
  const id = useId('field');
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id}>{label}</label>
      {children(id, described)}
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A sentence a person understands for an API refusal: what happened, the API's detail, and every field's reason. */
export function ProblemView({ error, fieldLabels = {} }: { error: unknown; fieldLabels?: Record<string, string> }) {
  if (!error) return null;
  if (!(error instanceof ApiError)) return <div class="problem" role="alert">{String(error)}</div>;
  const { status } = error;
  const lead = status === 0 ? t('error.network') : isKey(`error.${status}`) ? t(`error.${status}` as Key) : status >= 500 ? t('error.500') : t('error.422');
  const detail = error.problem.detail;
  const fields = error.problem.errors ?? [];
  return (
    <div class="problem" role="alert">
      <p>
        <strong>{lead}</strong>
        {detail && !fields.some((f) => detail.endsWith(f.reason)) ? ` ${sentence(detail)}` : ''}
      </p>
      {fields.length > 0 && (
        <>
          <p>{t('error.fields')}</p>
          <ul>
            {fields.map((f) => (
              <li key={f.field}>
                <strong>{fieldLabels[f.field] ?? fieldName(f.field)}</strong> : {f.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** `/messages/3/to` → `to (3)`: readable enough where the page has no label for it. */
function fieldName(pointer: string): string {
  const parts = pointer.split('/').filter(Boolean);
  return parts.length === 0 ? '—' : parts.join(' › ');
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

export function StatusBadge({ status }: { status: string }) {
  const key = `status.${status}`;
  const tone = status === 'delivered' ? 'good' : ['queued', 'submitting', 'submitted', 'held'].includes(status) ? 'wait' : status === 'cancelled' || status === 'suppressed' ? 'quiet' : 'bad';
  return <span class={`badge ${tone}`}>{isKey(key) ? t(key) : status}</span>;
}

/** A word from data (`class.marketing`, `campaign.running`) in the reader's language. */
export function word(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return isKey(key) ? t(key) : value;
}

/** Loads something from the API; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setLoading(true);
    load().then(
      (value) => current && (setData(value), setError(null), setLoading(false)),
      (failure: unknown) => current && (setError(failure), setLoading(false)),
    );
    return () => void (current = false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, error, loading, reload };
}

/** Runs an action (a form's submit), keeping its error and whether it is under way. */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (...args: A): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action(...args);
    } catch (failure) {
      setError(failure);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, error, busy, setError };
}

export function Page({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · Relais`;
  }, [title]);
  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** Key figures in tiles. */
export function Figures({ items }: { items: [string, string | number][] }) {
  return (
    <dl class="figures">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A bar chart of counts by label (pure CSS, readable by screen readers as a list). */
export function Bars({ counts, label }: { counts: Record<string, number>; label: string }) {
  const entries = Object.entries(counts);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  if (entries.length === 0) return null;
  return (
    <ul class="bars" aria-label={label}>
      {entries.map(([name, n]) => (
        <li key={name}>
          <span class="bar-label">{name}</span>
          <span class="bar" style={{ width: `${(100 * n) / max}%` }} />
          <span class="bar-value">{n.toLocaleString('fr-FR')}</span>
        </li>
      ))}
    </ul>
  );
}

/** Downloads a file from the API (with the session's headers) as the browser's own download. */
export async function download(path: string, fileName: string): Promise<void> {
  const response = await fetch(path, { headers: headersFor('GET', { accept: '*/*' }), credentials: 'same-origin' });
  if (!response.ok) {
    let problem: Problem = { status: response.status };
    try {
      problem = { ...((await response.json()) as Problem), status: response.status };
    } catch {
      // the status says enough
    }
    throw new ApiError(problem);
  }
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fileName;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

export interface Tab {
  name: string;
  label: Key;
  page: () => JSX.Element;
}

/** A page of tabs, each at its own path under `base` (/settings/users), the one named by `tab` shown (else the first). */
export function TabbedPage({ title, base, tabs, tab }: { title: string; base: string; tabs: Tab[]; tab?: string | undefined }) {
  const current = tabs.find((x) => x.name === tab) ?? tabs[0]!;
  return (
    <Page title={title}>
      <nav aria-label={t('settings.tabs')} class="tabs">
        <ul>
          {tabs.map((x) => (
            <li key={x.name}>
              <Link href={`${base}/${x.name}`} current={x === current}>
                {t(x.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {current.page()}
    </Page>
  );
}
