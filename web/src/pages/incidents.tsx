/**
 * Incidents: the account's tickets (docs/incidents.md), opening one, and a ticket's page — its clock, history,
 * comments and files — where the client answers, joins a file, and accepts or reopens a resolved ticket.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, url } from '../api.ts';
import { formatInstant } from '../format.ts';
import { mayChange, navigate, t } from '../state.ts';
import { Field, Link, Page, ProblemView, useAction, useLoad, word } from '../ui.tsx';

interface Clock {
  running: boolean;
  businessMinutes: number;
  waitingMinutes: number;
  targetMinutes: number;
  overdue: boolean;
}
interface Incident {
  reference: string;
  title: string;
  description: string;
  severity: string;
  category: string;
  status: string;
  openedBy: string;
  openedAt: string;
  closedAt: string | null;
  cause: string | null;
  clock: Clock;
  history: { at: string; status: string; author: string; note: string | null }[];
}
interface IncidentDetail extends Incident {
  comments: { id: string; at: string; side: string; author: string; text: string }[];
  attachments: { id: string; filename: string; size: number; at: string; author: string }[];
}

const SEVERITIES = ['minor', 'major', 'critical'];
const CATEGORIES = ['sending', 'delivery', 'receipts', 'inbound', 'api', 'portal', 'billing', 'other'];
const duration = (minutes: number) => `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;

export function IncidentsPage() {
  const { data, error, reload } = useLoad(() => api<{ incidents: Incident[] }>('GET', '/v1/incidents', { query: { limit: 100 } }), []);
  return (
    <Page
      title={t('incidents.title')}
      actions={
        <button type="button" onClick={reload}>
          {t('common.refresh')}
        </button>
      }
    >
      <ProblemView error={error} />
      {data && data.incidents.length === 0 && <p>{t('common.none')}</p>}
      {data && data.incidents.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('incidents.reference')}</th>
                <th scope="col">{t('incidents.subject')}</th>
                <th scope="col">{t('incidents.status')}</th>
                <th scope="col">{t('incidents.severity')}</th>
                <th scope="col">{t('incidents.clock')}</th>
                <th scope="col">{t('incidents.openedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {data.incidents.map((i) => (
                <tr key={i.reference}>
                  <td>
                    <Link href={`/incidents/${i.reference}`}>{i.reference}</Link>
                  </td>
                  <td>{i.title}</td>
                  <td>{word('incidentStatus', i.status)}</td>
                  <td>{word('severity', i.severity)}</td>
                  <td>
                    {duration(i.clock.businessMinutes)} / {duration(i.clock.targetMinutes)}
                  </td>
                  <td>{formatInstant(i.openedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mayChange('incidents') && <OpenIncident />}
    </Page>
  );
}

function OpenIncident() {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [severity, setSeverity] = useState('minor');
  const [category, setCategory] = useState('other');
  const open = useAction(async () => {
    const opened = await api<Incident>('POST', '/v1/incidents', { body: { title, description, severity, category } });
    navigate(`/incidents/${opened.reference}`);
  });
  const reason = (field: string) => (open.error instanceof ApiError ? open.error.reasonFor(field) : undefined);
  return (
    <section aria-labelledby="open-title">
      <h2 id="open-title">{t('incidents.open')}</h2>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void open.run();
        }}
      >
        <Field label={t('incidents.subject')} error={reason('/title')}>
          {(id, d) => <input id={id} required maxLength={200} value={title} aria-describedby={d} onInput={(e) => setTitle(e.currentTarget.value)} />}
        </Field>
        <Field label={t('incidents.description')} hint={t('incidents.descriptionHint')} error={reason('/description')}>
          {(id, d) => <textarea id={id} required rows={5} value={description} aria-describedby={d} onInput={(e) => setDescription(e.currentTarget.value)} />}
        </Field>
        <div class="row">
          <Field label={t('incidents.severity')}>
            {(id) => (
              <select id={id} value={severity} onChange={(e) => setSeverity(e.currentTarget.value)}>
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {word('severity', s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('incidents.category')}>
            {(id) => (
              <select id={id} value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
                {CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {word('incidentCategory', c)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <button type="submit" disabled={open.busy}>
          {t('incidents.openSubmit')}
        </button>
        <ProblemView error={open.error} />
      </form>
    </section>
  );
}

export function IncidentPage({ reference }: { reference: string }) {
  const { data, error, reload } = useLoad(() => api<IncidentDetail>('GET', `/v1/incidents/${encodeURIComponent(reference)}`), [reference]);
  const [text, setText] = useState('');
  const comment = useAction(async () => {
    await api('POST', `/v1/incidents/${encodeURIComponent(reference)}/comments`, { body: { text } });
    setText('');
    reload();
  });
  const move = useAction(async (status: 'open' | 'closed') => {
    await api('POST', `/v1/incidents/${encodeURIComponent(reference)}/status`, { body: { status } });
    reload();
  });
  const attach = useAction(async (file: File) => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    await api('POST', `/v1/incidents/${encodeURIComponent(reference)}/attachments`, { body: { filename: file.name, contentType: file.type || 'application/octet-stream', content: btoa(binary) } });
    reload();
  });
  const writable = mayChange('incidents') && data && data.status !== 'closed';
  return (
    <Page title={`${t('incidents.ticket')} ${reference}`} actions={<Link href="/incidents">{t('common.back')}</Link>}>
      <ProblemView error={error ?? move.error ?? attach.error} />
      {data && (
        <>
          <h2>{data.title}</h2>
          <p>
            {word('incidentStatus', data.status)} · {word('severity', data.severity)} · {word('incidentCategory', data.category)} · {t('incidents.openedBy', { who: data.openedBy, at: formatInstant(data.openedAt) })}
          </p>
          <p>
            {t('incidents.clockLine', { counted: duration(data.clock.businessMinutes), target: duration(data.clock.targetMinutes), waiting: duration(data.clock.waitingMinutes) })}
            {data.clock.running ? ` ${t('incidents.running')}` : ` ${t('incidents.frozen')}`}
            {data.clock.overdue && ` ${t('incidents.overdue')}`}
          </p>
          {data.cause && <p>{t('incidents.cause', { cause: data.cause })}</p>}
          <p class="text-cell">{data.description}</p>
          {mayChange('incidents') && data.status === 'resolved' && (
            <p class="row">
              <button type="button" disabled={move.busy} onClick={() => void move.run('closed')}>
                {t('incidents.accept')}
              </button>
              <button type="button" disabled={move.busy} onClick={() => void move.run('open')}>
                {t('incidents.reopen')}
              </button>
            </p>
          )}
          <h2>{t('incidents.comments')}</h2>
          {data.comments.length === 0 && <p>{t('common.none')}</p>}
          <ul>
            {data.comments.map((c) => (
              <li key={c.id}>
                <strong>{c.author}</strong> ({formatInstant(c.at)}) : <span class="text-cell">{c.text}</span>
              </li>
            ))}
          </ul>
          {writable && (
            <form
              class="form"
              onSubmit={(e) => {
                e.preventDefault();
                void comment.run();
              }}
            >
              <Field label={t('incidents.comment')} hint={data.status === 'waiting-for-client' ? t('incidents.answerHint') : undefined}>
                {(id, d) => <textarea id={id} required rows={3} value={text} aria-describedby={d} onInput={(e) => setText(e.currentTarget.value)} />}
              </Field>
              <button type="submit" disabled={comment.busy}>
                {t('incidents.send')}
              </button>
              <ProblemView error={comment.error} />
            </form>
          )}
          <h2>{t('incidents.files')}</h2>
          <ul>
            {data.attachments.map((a) => (
              <li key={a.id}>
                <a href={url(`/v1/incidents/${encodeURIComponent(reference)}/attachments/${a.id}`)}>{a.filename}</a> ({a.size} o, {a.author})
              </li>
            ))}
          </ul>
          {writable && (
            <Field label={t('incidents.attach')} hint={t('incidents.attachHint')}>
              {(id, d) => <input id={id} type="file" aria-describedby={d} disabled={attach.busy} onChange={(e) => e.currentTarget.files?.[0] && void attach.run(e.currentTarget.files[0])} />}
            </Field>
          )}
          <h2>{t('incidents.history')}</h2>
          <ul>
            {data.history.map((h, i) => (
              <li key={i}>
                {formatInstant(h.at)} — {word('incidentStatus', h.status)} ({h.author}){h.note ? ` : ${h.note}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}
