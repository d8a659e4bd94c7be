/** Consent: look a number up (its state per brand and its ledger), export the ledger, record an opt-in or opt-out. */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { formatInstant } from '../format.ts';
import { mayChange, t } from '../state.ts';
import { download, Field, Page, ProblemView, useAction, word } from '../ui.tsx';

interface Ledger {
  msisdn: string;
  brands: { brand: string; consent: string; optedOut: boolean; since: string | null }[];
  history: { id: string; brand: string; kind: string; source: string; channel: string | null; reference: string | null; occurredAt: string; dated: boolean; retracted: { at: string; reason: string } | null }[];
}

export function ConsentsPage() {
  const [number, setNumber] = useState('');
  const [ledger, setLedger] = useState<Ledger | null>(null);
  const lookup = useAction(async (msisdn: string) => setLedger(await api<Ledger>('GET', `/v1/consents/${encodeURIComponent(msisdn)}`)));
  const exporting = useAction((msisdn: string) => download(`/v1/consents/${encodeURIComponent(msisdn)}/export`, `consent-${msisdn}.json`));
  return (
    <Page title={t('consents.title')}>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void lookup.run(number.trim());
        }}
      >
        <Field label={t('consents.lookup')}>{(id) => <input id={id} type="tel" required value={number} onInput={(e) => setNumber(e.currentTarget.value)} />}</Field>
        <button type="submit">{t('consents.lookupSubmit')}</button>
      </form>
      <ProblemView error={lookup.error ?? exporting.error} />
      {ledger && (
        <>
          <h2>
            {t('consents.state')} — {ledger.msisdn}
          </h2>
          {ledger.brands.length === 0 ? (
            <p>{t('common.none')}</p>
          ) : (
            <ul>
              {ledger.brands.map((b) => (
                <li key={b.brand}>
                  <strong>{b.brand === '*' ? t('common.all') : b.brand}</strong> : {b.optedOut ? t('consents.optOut') : b.consent === 'none' ? '—' : kindName(b.consent)}
                  {b.since && ` (${formatInstant(b.since)})`}
                </li>
              ))}
            </ul>
          )}
          <h2>{t('consents.history')}</h2>
          <p>
            <button type="button" onClick={() => void exporting.run(ledger.msisdn)}>
              {t('consents.export')}
            </button>
          </p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('consents.when')}</th>
                  <th scope="col">{t('consents.kind')}</th>
                  <th scope="col">{t('consents.brand')}</th>
                  <th scope="col">{t('consents.source')}</th>
                  <th scope="col">{t('consents.reference')}</th>
                </tr>
              </thead>
              <tbody>
                {ledger.history.map((e) => (
                  <tr key={e.id} class={e.retracted ? 'retracted' : undefined}>
                    <td>{formatInstant(e.occurredAt)}</td>
                    <td>{kindName(e.kind)}</td>
                    <td>{e.brand === '*' ? t('common.all') : e.brand}</td>
                    <td>
                      {word('source', e.source)}
                      {e.channel && e.channel !== e.source ? ` (${e.channel})` : ''}
                    </td>
                    <td>{e.retracted ? `${e.reference ?? ''} — ${e.retracted.reason}` : (e.reference ?? '')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {mayChange('consents') && <RecordConsent key={ledger?.msisdn ?? ''} initial={ledger?.msisdn ?? number} onRecorded={(msisdn) => void lookup.run(msisdn)} />}
    </Page>
  );
}

function kindName(kind: string): string {
  return kind === 'opt-in' ? t('consents.optIn') : kind === 'soft-opt-in' ? t('consents.softOptIn') : kind === 'opt-out' ? t('consents.optOut') : kind;
}

function RecordConsent({ initial, onRecorded }: { initial: string; onRecorded: (msisdn: string) => void }) {
  const [msisdn, setMsisdn] = useState(initial);
  const [kind, setKind] = useState('opt-in');
  const [brand, setBrand] = useState('');
  const [channel, setChannel] = useState('');
  const [wording, setWording] = useState('');
  const [reference, setReference] = useState('');
  const [done, setDone] = useState(false);
  const record = useAction(async () => {
    setDone(false);
    const body = { msisdn, kind, ...(brand ? { brand } : {}), ...(channel ? { channel } : {}), ...(wording ? { wording } : {}), ...(reference ? { reference } : {}) };
    const recorded = await api<{ msisdn?: string }>('POST', '/v1/consents', { body });
    setDone(true);
    onRecorded(recorded.msisdn ?? msisdn);
  });
  const reason = (field: string) => (record.error instanceof ApiError ? record.error.reasonFor(field) : undefined);
  return (
    <section aria-labelledby="record-title">
      <h2 id="record-title">{t('consents.record')}</h2>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void record.run();
        }}
      >
        <Field label={t('consents.lookup')} error={reason('/msisdn')}>
          {(id, d) => <input id={id} type="tel" required value={msisdn} aria-describedby={d} onInput={(e) => setMsisdn(e.currentTarget.value)} />}
        </Field>
        <Field label={t('consents.kind')} error={reason('/kind')}>
          {(id) => (
            <select id={id} value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
              <option value="opt-in">{t('consents.optIn')}</option>
              <option value="soft-opt-in">{t('consents.softOptIn')}</option>
              <option value="opt-out">{t('consents.optOut')}</option>
            </select>
          )}
        </Field>
        <div class="row">
          <Field label={`${t('consents.brand')} (${t('common.optional')})`} error={reason('/brand')}>
            {(id) => <input id={id} value={brand} onInput={(e) => setBrand(e.currentTarget.value)} />}
          </Field>
          <Field label={`${t('consents.channel')} (${t('common.optional')})`} error={reason('/channel')}>
            {(id) => <input id={id} value={channel} onInput={(e) => setChannel(e.currentTarget.value)} />}
          </Field>
          <Field label={`${t('consents.reference')} (${t('common.optional')})`} error={reason('/reference')}>
            {(id) => <input id={id} value={reference} onInput={(e) => setReference(e.currentTarget.value)} />}
          </Field>
        </div>
        <Field label={`${t('consents.wording')} (${t('common.optional')})`} error={reason('/wording')}>
          {(id) => <textarea id={id} rows={2} value={wording} onInput={(e) => setWording(e.currentTarget.value)} />}
        </Field>
        <ProblemView error={record.error} />
        {done && <p role="status" class="notice">{t('consents.recorded')}</p>}
        <button type="submit" class="primary" disabled={record.busy}>
          {t('common.save')}
        </button>
      </form>
    </section>
  );
}
