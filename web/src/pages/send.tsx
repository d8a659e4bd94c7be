/**
 * The Send page: one recipient or a pasted list, the class, brand, sender and short code, the text with its live
 * counter (the server's own text code), then per-recipient results: accepted, deferred until when, left out and why,
 * or refused and why.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { STOP_WORDINGS } from '../../../src/core/compliance/stop-mention.ts';
import { api, ApiError } from '../api.ts';
import { countText, outgoingText } from '../counter.ts';
import { formatCount, formatInstant } from '../format.ts';
import { getState, holds, t } from '../state.ts';
import { Field, Link, Page, ProblemView, useAction, useLoad } from '../ui.tsx';

interface Accepted {
  id: string;
  status: string;
  to: string;
  segments: number;
  encoding: string;
  dueAt: string;
  error: { code: string | null; reason: string } | null;
}

interface SenderChoices {
  shortCodes: { number: string; default: boolean }[];
  alphanumericSenders: string[];
}

type Outcome = { typed: string; accepted: Accepted } | { typed: string; refused: string };

/** The numbers of a pasted list: one per line, or separated by commas or semicolons; blanks dropped. */
export function recipientsOf(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function SendPage() {
  const [recipients, setRecipients] = useState('');
  const [text, setText] = useState('');
  const [kind, setKind] = useState<'transactional' | 'marketing'>('transactional');
  const [brand, setBrand] = useState('');
  const [from, setFrom] = useState('');
  const [shortCode, setShortCode] = useState('');
  const [sendAt, setSendAt] = useState('');
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null);
  const [startedAt, setStartedAt] = useState(0);
  const brands = useBrandChoices();
  // The short codes and approved senders of the account (GET /v1/senders): chosen, not typed
  const loadedSenders = useLoad(() => api<SenderChoices>('GET', '/v1/senders'), []).data;
  const senders = loadedSenders && loadedSenders.shortCodes.length > 0 ? loadedSenders : undefined;
  const defaultCode = senders?.shortCodes.find((c) => c.default)?.number ?? senders?.shortCodes[0]?.number ?? '';
  const chosenCode = shortCode || defaultCode;
  // A user limited to some brands cannot speak for the account's own: their first brand is the default.
  useEffect(() => {
    if (brands && !brands.own && brands.brands[0]) setBrand(brands.brands[0]);
  }, [brands]);

  const numbers = recipientsOf(recipients);
  // The STOP mention names the short code: the one given, else a placeholder of the same length (36xxx).
  const stopCode = /^\d{5}$/.test(chosenCode) ? chosenCode : /^\d{5}$/.test(from) ? from : '3XXXX';
  const outgoing = outgoingText(text, kind === 'marketing', stopCode);
  const count = useMemo(() => countText(outgoing), [outgoing]);
  const mention = outgoing !== text ? STOP_WORDINGS.shortCode.replaceAll('{shortCode}', stopCode) : null;

  const { run, error, busy, setError } = useAction(async () => {
    if (numbers.length === 0) throw new ApiError({ status: 422, detail: t('send.noRecipient') });
    const common = {
      text,
      class: kind,
      ...(brand.trim() ? { brand: brand.trim() } : {}),
      ...(from.trim() ? { from: from.trim() } : {}),
      ...(shortCode.trim() ? { shortCode: shortCode.trim() } : {}),
      ...(sendAt ? { sendAt: new Date(sendAt).toISOString() } : {}),
    };
    setOutcomes(null);
    setStartedAt(Date.now());
    const headers = { 'idempotency-key': crypto.randomUUID() };
    try {
      if (numbers.length === 1) {
        const accepted = await api<Accepted>('POST', '/v1/messages', { body: { to: numbers[0], ...common }, headers });
        setOutcomes([{ typed: numbers[0]!, accepted }]);
      } else {
        const batch = await api<{ messages: Accepted[] }>('POST', '/v1/messages', { body: { messages: numbers.map((to) => ({ to, ...common })) }, headers });
        setOutcomes(batch.messages.map((accepted, i) => ({ typed: numbers[i]!, accepted })));
      }
    } catch (failure) {
      // A batch is all or nothing: show which numbers were refused, and why, next to each.
      if (failure instanceof ApiError && numbers.length > 1 && failure.problem.errors?.some((e) => /^\/messages\/\d+\//.test(e.field))) {
        const reasons = new Map<number, string>();
        for (const e of failure.problem.errors ?? []) {
          const match = /^\/messages\/(\d+)\/(\w+)/.exec(e.field);
          if (match) reasons.set(Number(match[1]), (reasons.has(Number(match[1])) ? `${reasons.get(Number(match[1]))} ; ` : '') + e.reason);
        }
        setOutcomes(numbers.map((typed, i) => (reasons.has(i) ? { typed, refused: reasons.get(i)! } : { typed, refused: '' })));
      }
      throw failure;
    }
  });

  const refusedIndexes = outcomes?.flatMap((o, i) => ('refused' in o && o.refused ? [i] : [])) ?? [];
  const fieldError = (field: string) => (error instanceof ApiError ? error.reasonFor(field) : undefined);

  return (
    <Page title={t('send.title')}>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <Field label={t('send.recipients')} hint={`${t('send.recipientsHint')} ${t('send.recipientsCount', { count: formatCount(numbers.length) })}`} error={fieldError('/to')}>
          {(id, described) => <textarea id={id} rows={3} required value={recipients} aria-describedby={described} onInput={(e) => setRecipients(e.currentTarget.value)} />}
        </Field>
        <fieldset>
          <legend>{t('send.class')}</legend>
          {(['transactional', 'marketing'] as const).map((c) => (
            <label class="choice" key={c}>
              <input type="radio" name="class" value={c} checked={kind === c} onChange={() => setKind(c)} /> {t(c === 'transactional' ? 'send.transactional' : 'send.marketing')}
            </label>
          ))}
        </fieldset>
        <div class="row">
          <Field label={t('send.brand')} hint={t('send.brandHint')} error={fieldError('/brand')}>
            {(id, described) =>
              brands && brands.brands.length > 0 ? (
                <select id={id} value={brand} aria-describedby={described} onChange={(e) => setBrand(e.currentTarget.value)}>
                  {brands.own && <option value="">{t('send.ownBrand', { brand: brands.own })}</option>}
                  {brands.brands
                    .filter((b) => b !== brands.own)
                    .map((b) => (
                      <option key={b} value={b}>
                        {b}
                      </option>
                    ))}
                </select>
              ) : (
                <input id={id} value={brand} aria-describedby={described} onInput={(e) => setBrand(e.currentTarget.value)} />
              )
            }
          </Field>
          <Field label={t('send.shortCode')} hint={t('send.shortCodeHint')} error={fieldError('/shortCode')}>
            {(id, described) =>
              senders ? (
                <select id={id} value={shortCode} aria-describedby={described} onChange={(e) => setShortCode(e.currentTarget.value)}>
                  {senders.shortCodes.map((c) => (
                    <option key={c.number} value={c.default ? '' : c.number}>
                      {c.default ? t('send.defaultShortCode', { shortCode: c.number }) : c.number}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={id} value={shortCode} inputMode="numeric" pattern="[0-9]{5}" maxLength={5} aria-describedby={described} onInput={(e) => setShortCode(e.currentTarget.value)} />
              )
            }
          </Field>
          <Field label={t('send.sender')} hint={t('send.senderHint')} error={fieldError('/from')}>
            {(id, described) =>
              senders ? (
                <select id={id} value={from} aria-describedby={described} onChange={(e) => setFrom(e.currentTarget.value)}>
                  <option value="">{t('send.senderIsShortCode', { shortCode: chosenCode })}</option>
                  {senders.alphanumericSenders.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={id} value={from} maxLength={16} aria-describedby={described} onInput={(e) => setFrom(e.currentTarget.value)} />
              )
            }
          </Field>
        </div>
        <Field label={t('send.text')} error={fieldError('/text')}>
          {(id, described) => (
            <textarea id={id} rows={5} required value={text} aria-describedby={`${described ?? ''} counter`.trim()} onInput={(e) => setText(e.currentTarget.value)} />
          )}
        </Field>
        <p id="counter" class="counter" aria-live="polite">
          {t('send.counter', { characters: formatCount(count.characters), encoding: count.encoding === 'gsm7' ? 'GSM 7 bits' : 'UCS-2', segments: count.segments })}
          {mention && <> — {t('send.counterWithStop', { mention })}</>}
          {count.forcingUcs2.length > 0 && (
            <>
              <br />
              {t('send.ucs2Because', { chars: count.forcingUcs2.map((c) => `« ${c} »`).join(' ') })}
            </>
          )}
        </p>
        <Field label={t('send.sendAt')} hint={t('send.sendAtHint', { zone: Intl.DateTimeFormat().resolvedOptions().timeZone })} error={fieldError('/sendAt')}>
          {(id, described) => <input id={id} type="datetime-local" value={sendAt} aria-describedby={described} onInput={(e) => setSendAt(e.currentTarget.value)} />}
        </Field>
        <ProblemView error={error} fieldLabels={labelsFor(numbers)} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('send.sending') : t('send.submit')}
        </button>
      </form>
      {outcomes && (
        <section aria-labelledby="results-title">
          <h2 id="results-title">{t('send.results')}</h2>
          {refusedIndexes.length > 0 && (
            <p>
              {t('send.nothingSent')}{' '}
              <button
                type="button"
                onClick={() => {
                  setRecipients(numbers.filter((_, i) => !refusedIndexes.includes(i)).join('\n'));
                  setOutcomes(null);
                  setError(null);
                }}
              >
                {t('send.sendToOthers')}
              </button>
            </p>
          )}
          <table>
            <thead>
              <tr>
                <th scope="col">{t('send.recipient')}</th>
                <th scope="col">{t('send.result')}</th>
              </tr>
            </thead>
            <tbody>
              {outcomes.map((o, i) => (
                <tr key={i}>
                  <td>{'accepted' in o ? <Link href={`/messages/${o.accepted.id}`}>{o.accepted.to}</Link> : o.typed}</td>
                  <td>{describe(o, startedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </Page>
  );
}

/** The API's field pointers in the words of this form. */
function labelsFor(numbers: string[]): Record<string, string> {
  const labels: Record<string, string> = { '/to': t('send.recipients'), '/text': t('send.text'), '/brand': t('send.brand'), '/from': t('send.sender'), '/shortCode': t('send.shortCode'), '/sendAt': t('send.sendAt'), '/class': t('send.class') };
  numbers.forEach((number, i) => {
    for (const [field, label] of Object.entries(labels)) if (!field.startsWith('/messages/')) labels[`/messages/${i}${field}`] = field === '/to' ? `${label}, ${t('send.line', { line: i + 1, number })}` : label;
  });
  return labels;
}

function describe(outcome: Outcome, startedAt: number): string {
  if ('refused' in outcome) return outcome.refused ? t('send.refused', { reason: outcome.refused }) : t('send.validNotSent');
  const { accepted } = outcome;
  if (accepted.status === 'suppressed') return t('send.suppressed', { reason: accepted.error?.reason ?? accepted.error?.code ?? '' });
  // Due more than a minute after it was sent: deferred (a later send time, the send window, the daily cap).
  if (Date.parse(accepted.dueAt) > startedAt + 60_000) return t('send.deferred', { when: formatInstant(accepted.dueAt) });
  return `${t('send.accepted')} (${accepted.segments} SMS)`;
}

/**
 * The brands the person may send as: their own list when limited to some, else the account's (GET /v1/account, which
 * needs "settings"); undefined when neither is known (the field stays free text, the API checks it).
 */
interface BrandChoices {
  own: string | null;
  brands: string[];
}

function useBrandChoices(): BrandChoices | undefined {
  const limited = getState().session?.user.brands ?? null;
  const loaded = useLoad<BrandChoices | undefined>(
    () => (limited ? Promise.resolve({ own: null, brands: limited }) : holds('settings') ? api<{ brand: string; brands: string[] }>('GET', '/v1/account').then((a) => ({ own: a.brand, brands: a.brands })) : Promise.resolve(undefined)),
    [],
  );
  return loaded.data;
}
