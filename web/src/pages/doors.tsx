/**
 * Settings tabs on the account's doors and answers (right "settings"): a webhook's latest deliveries, the SMPP
 * logins and the e-mail door (GET /v1/doors: new SMPP password shown once, bind addresses, e-mail senders, text
 * source), the MO keywords and the CONTACT reply (GET /v1/keywords). What the aggregator provisions is shown, not
 * offered (docs/portal.md, "Doors and keywords").
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { countText } from '../counter.ts';
import { formatCount, formatInstant } from '../format.ts';
import { isKey, type Key } from '../i18n.ts';
import { mayChange, t } from '../state.ts';
import { Field, ProblemView, useAction, useLoad } from '../ui.tsx';

interface Attempt {
  attempt: number;
  at: string;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}
interface Delivery {
  id: string;
  messageId: string | null;
  inboundId: string | null;
  status: string;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  attempts: Attempt[];
}

/** A webhook's latest deliveries, each with its attempts: state, HTTP status, error and times. */
export function WebhookDeliveries({ webhookId }: { webhookId: string }) {
  const deliveries = useLoad(() => api<{ deliveries: Delivery[] }>('GET', `/v1/webhooks/${webhookId}/deliveries`, { query: { limit: 10 } }), [webhookId]);
  const rows = deliveries.data?.deliveries ?? [];
  return (
    <div class="deliveries">
      <ProblemView error={deliveries.error} />
      {deliveries.data && rows.length === 0 && <p>{t('deliveries.none')}</p>}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption>{t('settings.deliveries')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('deliveries.created')}</th>
                <th scope="col">{t('deliveries.about')}</th>
                <th scope="col">{t('deliveries.status')}</th>
                <th scope="col">{t('deliveries.attempts')}</th>
                <th scope="col">{t('deliveries.http')}</th>
                <th scope="col">{t('deliveries.error')}</th>
                <th scope="col">{t('deliveries.when')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => {
                const last = d.attempts.at(-1);
                const key = `deliveries.state.${d.status}`;
                return (
                  <tr key={d.id}>
                    <td>{formatInstant(d.createdAt)}</td>
                    <td>{d.messageId ? t('deliveries.message', { id: d.messageId.slice(0, 8) }) : t('deliveries.inbound')}</td>
                    <td>{isKey(key) ? t(key as Key) : d.status}</td>
                    <td>{d.attempts.length}</td>
                    <td>{last?.httpStatus ?? '—'}</td>
                    <td class="reason">{last?.error ?? '—'}</td>
                    <td>
                      {d.deliveredAt
                        ? t('deliveries.deliveredAt', { at: formatInstant(d.deliveredAt) })
                        : d.nextAttemptAt
                          ? t('deliveries.nextAt', { at: formatInstant(d.nextAttemptAt) })
                          : last
                            ? t('deliveries.lastAt', { at: formatInstant(last.at) })
                            : '—'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <button type="button" onClick={deliveries.reload}>
        {t('common.refresh')}
      </button>
    </div>
  );
}

interface SmppLogin {
  systemId: string;
  allowedIps: string[];
  maxBinds: number | null;
  createdAt: string;
  updatedAt: string;
}
interface Doors {
  smpp: SmppLogin[];
  email: { senders: string[]; textFrom: 'body' | 'subject' };
}

const lines = (text: string) => text.split(/[\n,;]/).map((l) => l.trim()).filter(Boolean);
/** `/allowedIps/2` → "Adresses autorisées, ligne 3": the field as the form names it. */
const lineLabels = (pointer: string, label: string, count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`${pointer}/${i}`, t('doors.line', { field: label, line: i + 1 })]));

export function DoorsTab() {
  const doors = useLoad(() => api<Doors>('GET', '/v1/doors'), []);
  const writable = mayChange('settings');
  return (
    <section>
      <h2>{t('doors.title')}</h2>
      <p class="hint">{t('doors.who')}</p>
      <ProblemView error={doors.error} />
      {doors.data && (
        <>
          <h3>{t('doors.smpp')}</h3>
          {doors.data.smpp.length === 0 && <p>{t('doors.noSmpp')}</p>}
          {doors.data.smpp.map((login) => (
            <SmppLoginCard key={login.systemId} login={login} writable={writable} onChanged={doors.reload} />
          ))}
          <h3>{t('doors.email')}</h3>
          <EmailDoor door={doors.data.email} writable={writable} onChanged={doors.reload} />
        </>
      )}
    </section>
  );
}

function SmppLoginCard({ login, writable, onChanged }: { login: SmppLogin; writable: boolean; onChanged: () => void }) {
  const [password, setPassword] = useState<string | null>(null);
  const [ips, setIps] = useState(login.allowedIps.join('\n'));
  const rotate = useAction(async () => {
    const answer = await api<{ password: string }>('POST', `/v1/doors/smpp/${encodeURIComponent(login.systemId)}/password`);
    setPassword(answer.password);
    onChanged();
  });
  const save = useAction(async () => {
    await api('PUT', `/v1/doors/smpp/${encodeURIComponent(login.systemId)}/allowed-ips`, { body: { allowedIps: lines(ips) } });
    onChanged();
  });
  const ipsLabel = t('doors.allowedIps');
  return (
    <div class="card">
      <dl class="facts">
        <dt>{t('doors.systemId')}</dt>
        <dd>
          <code>{login.systemId}</code>
        </dd>
        <dt>{ipsLabel}</dt>
        <dd>{login.allowedIps.length === 0 ? t('doors.anywhere') : login.allowedIps.join(', ')}</dd>
        <dt>{t('doors.maxBinds')}</dt>
        <dd>{login.maxBinds ?? t('doors.serverDefault')}</dd>
        <dt>{t('doors.changedAt')}</dt>
        <dd>{formatInstant(login.updatedAt)}</dd>
      </dl>
      {writable && (
        <>
          <ProblemView error={rotate.error} />
          {password && (
            <div class="warning" role="status">
              <p>
                <strong>{t('doors.newPassword', { systemId: login.systemId })}</strong> <code class="secret-key" data-testid="smpp-password">{password}</code>
              </p>
              <p>{t('doors.passwordOnce')}</p>
            </div>
          )}
          <button type="button" disabled={rotate.busy} onClick={() => confirm(t('doors.rotateConfirm', { systemId: login.systemId })) && void rotate.run()}>
            {t('doors.rotate')}
          </button>
          <form
            class="form"
            onSubmit={(e) => {
              e.preventDefault();
              void save.run();
            }}
          >
            <Field label={ipsLabel} hint={t('doors.allowedIpsHint')}>
              {(id, d) => <textarea id={id} rows={3} value={ips} aria-describedby={d} onInput={(e) => setIps(e.currentTarget.value)} />}
            </Field>
            <ProblemView error={save.error} fieldLabels={lineLabels('/allowedIps', ipsLabel, lines(ips).length)} />
            <button type="submit" disabled={save.busy}>
              {t('doors.saveIps')}
            </button>
          </form>
        </>
      )}
    </div>
  );
}

function EmailDoor({ door, writable, onChanged }: { door: Doors['email']; writable: boolean; onChanged: () => void }) {
  const [address, setAddress] = useState('');
  const [textFrom, setTextFrom] = useState(door.textFrom);
  const add = useAction(async () => {
    await api('PUT', `/v1/doors/email/senders/${encodeURIComponent(address.trim())}`);
    setAddress('');
    onChanged();
  });
  const remove = useAction(async (sender: string) => {
    await api('DELETE', `/v1/doors/email/senders/${encodeURIComponent(sender)}`);
    onChanged();
  });
  const source = useAction(async () => {
    await api('PUT', '/v1/doors/email/text-from', { body: { textFrom } });
    onChanged();
  });
  return (
    <div class="card">
      <p>{t('doors.sendersIntro')}</p>
      {door.senders.length === 0 && <p>{t('doors.noSenders')}</p>}
      <ul class="cards">
        {door.senders.map((s) => (
          <li key={s}>
            <strong>{s}</strong>
            {writable && (
              <button type="button" disabled={remove.busy} aria-label={t('doors.removeSender', { address: s })} onClick={() => void remove.run(s)}>
                {t('doors.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <ProblemView error={remove.error} />
      <p>
        {t('doors.textFrom')} : <strong>{t(door.textFrom === 'subject' ? 'doors.textFrom.subject' : 'doors.textFrom.body')}</strong>
      </p>
      {writable && (
        <>
          <form
            class="form"
            onSubmit={(e) => {
              e.preventDefault();
              void add.run();
            }}
          >
            <Field label={t('doors.senderAddress')} error={add.error instanceof ApiError ? add.error.reasonFor('/address') : undefined}>
              {(id, d) => <input id={id} type="email" required value={address} aria-describedby={d} onInput={(e) => setAddress(e.currentTarget.value)} />}
            </Field>
            <ProblemView error={add.error} fieldLabels={{ '/address': t('doors.senderAddress') }} />
            <button type="submit" disabled={add.busy}>
              {t('doors.addSender')}
            </button>
          </form>
          <form
            class="form"
            onSubmit={(e) => {
              e.preventDefault();
              void source.run();
            }}
          >
            <Field label={t('doors.textFrom')}>
              {(id, d) => (
                <select id={id} value={textFrom} aria-describedby={d} onChange={(e) => setTextFrom(e.currentTarget.value as 'body' | 'subject')}>
                  <option value="body">{t('doors.textFrom.body')}</option>
                  <option value="subject">{t('doors.textFrom.subject')}</option>
                </select>
              )}
            </Field>
            <ProblemView error={source.error} />
            <button type="submit" disabled={source.busy}>
              {t('common.save')}
            </button>
          </form>
        </>
      )}
    </div>
  );
}

interface KeywordList {
  stop: string[];
  start: string[];
  contact: string[];
}
interface Keywords {
  defaults: KeywordList;
  own: KeywordList;
  contactReply: string | null;
  contactReplyFromIdentity: string | null;
  contactReplySent: string | null;
}

export function KeywordsTab() {
  const keywords = useLoad(() => api<Keywords>('GET', '/v1/keywords'), []);
  return (
    <section>
      <h2>{t('keywords.title')}</h2>
      <p class="hint">{t('keywords.who')}</p>
      <ProblemView error={keywords.error} />
      {keywords.data && <KeywordsForms data={keywords.data} onSaved={keywords.reload} />}
    </section>
  );
}

function KeywordsForms({ data, onSaved }: { data: Keywords; onSaved: () => void }) {
  const writable = mayChange('settings');
  const [stop, setStop] = useState(data.own.stop.join('\n'));
  const [contact, setContact] = useState(data.own.contact.join('\n'));
  const [reply, setReply] = useState(data.contactReply ?? '');
  const words = useAction(async () => {
    await api('PUT', '/v1/keywords', { body: { stop: lines(stop), contact: lines(contact) } });
    onSaved();
  });
  const saveReply = useAction(async () => {
    await api('PUT', '/v1/keywords/contact-reply', { body: { contactReply: reply.trim() === '' ? null : reply } });
    onSaved();
  });
  const count = countText(reply.trim() === '' ? (data.contactReplyFromIdentity ?? '') : reply);
  const stopLabel = t('keywords.ownStop');
  const contactLabel = t('keywords.ownContact');
  return (
    <>
      <div class="table-wrap">
        <table>
          <caption>{t('keywords.inForce')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('keywords.intent')}</th>
              <th scope="col">{t('keywords.defaults')}</th>
              <th scope="col">{t('keywords.own')}</th>
            </tr>
          </thead>
          <tbody>
            {(['stop', 'start', 'contact'] as const).map((intent) => (
              <tr key={intent}>
                <th scope="row">{intent.toUpperCase()}</th>
                <td>{data.defaults[intent].join(', ')}</td>
                <td>{data.own[intent].join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="hint">{t('keywords.startIsAggregator')}</p>
      {writable && (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void words.run();
          }}
        >
          <Field label={stopLabel} hint={t('keywords.wordsHint')}>
            {(id, d) => <textarea id={id} rows={3} value={stop} aria-describedby={d} onInput={(e) => setStop(e.currentTarget.value)} />}
          </Field>
          <Field label={contactLabel} hint={t('keywords.wordsHint')}>
            {(id, d) => <textarea id={id} rows={2} value={contact} aria-describedby={d} onInput={(e) => setContact(e.currentTarget.value)} />}
          </Field>
          <ProblemView error={words.error} fieldLabels={{ ...lineLabels('/stop', stopLabel, lines(stop).length), ...lineLabels('/contact', contactLabel, lines(contact).length) }} />
          <button type="submit" class="primary" disabled={words.busy}>
            {t('keywords.saveWords')}
          </button>
        </form>
      )}
      <h3>{t('keywords.contactReply')}</h3>
      <p>
        {t('keywords.sentNow')} : {data.contactReplySent ? <q>{data.contactReplySent}</q> : <strong>{t('keywords.nothingSent')}</strong>}
      </p>
      {writable && (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void saveReply.run();
          }}
        >
          <Field
            label={t('keywords.contactReply')}
            hint={data.contactReplyFromIdentity ? t('keywords.replyHint', { identity: data.contactReplyFromIdentity }) : t('keywords.replyHintNoIdentity')}
            error={saveReply.error instanceof ApiError ? saveReply.error.reasonFor('/contactReply') : undefined}
          >
            {(id, d) => <textarea id={id} rows={3} maxLength={320} value={reply} aria-describedby={`${d ?? ''} reply-counter`.trim()} onInput={(e) => setReply(e.currentTarget.value)} />}
          </Field>
          <p id="reply-counter" class="counter" aria-live="polite">
            {t('send.counter', { characters: formatCount(count.characters), encoding: count.encoding === 'gsm7' ? 'GSM 7 bits' : 'UCS-2', segments: count.segments })}
            {count.segments > 2 && <> — {t('keywords.tooLong')}</>}
          </p>
          <ProblemView error={saveReply.error} fieldLabels={{ '/contactReply': t('keywords.contactReply') }} />
          <button type="submit" class="primary" disabled={saveReply.busy}>
            {t('keywords.saveReply')}
          </button>
        </form>
      )}
    </>
  );
}
