/**
 * Messages: the cursor-paginated list (GET /v1/messages) with the filters the API supports (status, creation
 * dates), and one message's detail: its timeline, its parts and receipts, the compliance decision.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { formatInstant, readerZone } from '../format.ts';
import { mayChange, navigate, t } from '../state.ts';
import { Field, Link, Page, ProblemView, StatusBadge, useAction, useLoad, word } from '../ui.tsx';

export const STATUSES = ['queued', 'submitting', 'submitted', 'delivered', 'undeliverable', 'expired', 'rejected', 'unknown', 'failed', 'in_doubt', 'cancelled', 'suppressed', 'held'];

const PENDING = new Set(['queued', 'submitting', 'submitted']);

interface Message {
  id: string;
  to: string;
  from: string;
  shortCode: string;
  class: string;
  text: string;
  encoding: string;
  segments: number;
  status: string;
  dueAt: string;
  attempts: number;
  possibleDuplicate: boolean;
  reference: string | null;
  error: { code: string | null; reason: string } | null;
  createdAt: string;
  submittedAt: string | null;
  doneAt: string | null;
}

interface MessageDetail extends Message {
  brand: string;
  compliance: { ruleSet: string; decision: string; notes: { rule: string; verdict: string; reason: string }[] } | null;
  parts: { index: number; smscMessageId: string; submittedAt: string; receipt: { state: string; errorCode: string | null; at: string | null } | null }[];
  events: { status: string; reason: string | null; at: string }[];
  cost?: { microEuros: number; euros: string } | null;
}

/** A datetime-local value (the reader's zone) as an instant. */
function instant(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

export function MessagesPage() {
  const params = new URLSearchParams(location.search);
  const [status, setStatus] = useState(params.get('status') ?? '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [filters, setFilters] = useState({ status, from, to });
  // The cursors of the pages seen, to go back to the first.
  const [cursor, setCursor] = useState<string | null>(null);
  const { data, error, loading, reload } = useLoad(
    () => api<{ messages: Message[]; nextCursor: string | null }>('GET', '/v1/messages', { query: { limit: 50, status: filters.status, createdFrom: instant(filters.from), createdTo: instant(filters.to), cursor } }),
    [filters, cursor],
  );
  // While messages on the page are still on their way, the page follows them (every 2 seconds).
  const moving = data?.messages.some((m) => PENDING.has(m.status)) ?? false;
  useEffect(() => {
    if (!moving) return;
    const timer = setTimeout(reload, 2000);
    return () => clearTimeout(timer);
  }, [data, moving]);
  return (
    <Page
      title={t('messages.title')}
      actions={
        <button type="button" onClick={reload}>
          {t('common.refresh')}
        </button>
      }
    >
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setCursor(null);
          setFilters({ status, from, to });
        }}
      >
        <Field label={t('messages.status')}>
          {(id) => (
            <select id={id} value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
              <option value="">{t('common.all')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {word('status', s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={`${t('messages.from')} (${readerZone})`}>{(id) => <input id={id} type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />}</Field>
        <Field label={`${t('messages.to')} (${readerZone})`}>{(id) => <input id={id} type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} />}</Field>
        <button type="submit">{t('common.filter')}</button>
      </form>
      <ProblemView error={error} />
      {!data && loading && <p>{t('common.loading')}</p>}
      {data && data.messages.length === 0 && <p>{t('common.none')}</p>}
      {data && data.messages.length > 0 && (
        <div class="table-wrap">
          <table class="messages">
            <thead>
              <tr>
                <th scope="col">{t('messages.created')}</th>
                <th scope="col">{t('messages.recipient')}</th>
                <th scope="col">{t('messages.status')}</th>
                <th scope="col">{t('messages.class')}</th>
                <th scope="col">{t('messages.text')}</th>
                <th scope="col">{t('messages.segments')}</th>
              </tr>
            </thead>
            <tbody>
              {data.messages.map((m) => (
                <tr key={m.id}>
                  <td>
                    <Link href={`/messages/${m.id}`}>{formatInstant(m.createdAt)}</Link>
                  </td>
                  <td>{m.to}</td>
                  <td>
                    <StatusBadge status={m.status} />
                  </td>
                  <td>{word('class', m.class)}</td>
                  <td class="text-cell">{m.text}</td>
                  <td>{m.segments}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="pager">
        {cursor && (
          <button type="button" onClick={() => setCursor(null)}>
            {t('common.first')}
          </button>
        )}
        {data?.nextCursor && (
          <button type="button" onClick={() => setCursor(data.nextCursor)}>
            {t('common.next')}
          </button>
        )}
      </p>
    </Page>
  );
}

export function MessagePage({ id }: { id: string }) {
  const { data: m, error, reload } = useLoad(() => api<MessageDetail>('GET', `/v1/messages/${encodeURIComponent(id)}`), [id]);
  const action = useAction(async (what: 'cancel' | 'retry') => {
    await api('POST', `/v1/messages/${encodeURIComponent(id)}/${what}`);
    reload();
  });
  return (
    <Page
      title={t('messages.detail')}
      actions={
        <button type="button" onClick={() => navigate('/messages')}>
          {t('common.back')}
        </button>
      }
    >
      <ProblemView error={error ?? action.error} />
      {m && (
        <>
          <dl class="facts">
            <dt>{t('messages.status')}</dt>
            <dd>
              <StatusBadge status={m.status} />
              {m.error && ` ${m.error.reason}${m.error.code ? ` (${m.error.code})` : ''}`}
            </dd>
            <dt>{t('messages.recipient')}</dt>
            <dd>{m.to}</dd>
            <dt>{t('messages.sender')}</dt>
            <dd>{m.from === m.shortCode ? m.from : `${m.from} (${m.shortCode})`}</dd>
            <dt>{t('messages.brand')}</dt>
            <dd>{m.brand}</dd>
            <dt>{t('messages.class')}</dt>
            <dd>{word('class', m.class)}</dd>
            <dt>{t('messages.text')}</dt>
            <dd class="text-cell">{m.text}</dd>
            <dt>{t('messages.segments')}</dt>
            <dd>
              {m.segments} ({m.encoding === 'gsm7' ? 'GSM 7 bits' : 'UCS-2'})
            </dd>
            <dt>{t('messages.created')}</dt>
            <dd>{formatInstant(m.createdAt)}</dd>
            <dt>{t('messages.id')}</dt>
            <dd>
              <code>{m.id}</code>
            </dd>
            <dt>{t('messages.due')}</dt>
            <dd>{formatInstant(m.dueAt)}</dd>
            {m.cost && (
              <>
                <dt>{t('messages.cost')}</dt>
                <dd>{m.cost.euros}</dd>
              </>
            )}
          </dl>
          {m.possibleDuplicate && <p class="notice">{t('messages.possibleDuplicate')}</p>}
          {mayChange('messages') && (m.status === 'queued' || m.status === 'in_doubt') && (
            <p>
              {m.status === 'queued' && (
                <button type="button" disabled={action.busy} onClick={() => void action.run('cancel')}>
                  {t('messages.cancel')}
                </button>
              )}
              {m.status === 'in_doubt' && (
                <button type="button" disabled={action.busy} onClick={() => void action.run('retry')}>
                  {t('messages.retry')}
                </button>
              )}
            </p>
          )}
          <h2>{t('messages.timeline')}</h2>
          <ol class="timeline">
            {m.events.map((e, i) => (
              <li key={i}>
                <time dateTime={e.at}>{formatInstant(e.at)}</time> <StatusBadge status={e.status} /> {e.reason ?? ''}
              </li>
            ))}
          </ol>
          {m.parts.length > 0 && (
            <>
              <h2>{t('messages.parts')}</h2>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">{t('messages.smscId')}</th>
                      <th scope="col">{t('messages.receipt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {m.parts.map((p) => (
                      <tr key={p.index}>
                        <td>{p.index}</td>
                        <td>
                          <code>{p.smscMessageId}</code>
                        </td>
                        <td>
                          {p.receipt
                            ? `${word('status', p.receipt.state)}${p.receipt.errorCode ? ` (${p.receipt.errorCode})` : ''}${p.receipt.at ? ` — ${formatInstant(p.receipt.at)}` : ''}`
                            : t('messages.noReceipt')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          {m.compliance && (
            <>
              <h2>{t('messages.compliance')}</h2>
              <dl class="facts">
                <dt>{t('messages.ruleSet')}</dt>
                <dd>{m.compliance.ruleSet}</dd>
                <dt>{t('messages.decision')}</dt>
                <dd>{word('decision', m.compliance.decision)}</dd>
              </dl>
              {m.compliance.notes.length > 0 && (
                <ul>
                  {m.compliance.notes.map((n, i) => (
                    <li key={i}>
                      <strong>{n.rule}</strong> ({n.verdict}) : {n.reason}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </>
      )}
    </Page>
  );
}
