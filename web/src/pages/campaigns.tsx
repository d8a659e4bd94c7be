/**
 * Campaigns: the list, a new draft (name, class, text with merge fields, bases), and a campaign's page: the dry run
 * as a report, launch / pause / resume / cancel as its state allows, and its statistics, refreshed while it sends.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { formatCount, formatInstant, formatMoney, readerZone } from '../format.ts';
import { mayChange, navigate, t } from '../state.ts';
import { Bars, Field, Figures, Link, Page, ProblemView, useAction, useLoad, word } from '../ui.tsx';

interface Campaign {
  id: string;
  name: string;
  status: string;
  actions: string[];
  class: string;
  brand: string;
  shortCode: string;
  from: string;
  text: string;
  sendAt: string | null;
  queued: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface DryRun {
  startsAt: string;
  ruleSets: string[];
  audience: { contacts: number; recipients: number };
  messages: number;
  excluded: Record<string, number>;
  refusals: { recipient: string; reason: string }[];
  deferred: { byWindow: number; byCap: number; until: string | null; byDay: Record<string, number> };
  segments: Record<string, number>;
  parts: number;
  cost: { microEuros: number; billedThisMonth: number };
  timeToSend: { shortCode: string; ratePerSecond: number; seconds: number | null };
  routing: { route: string; operator: string; messages: number }[];
}

interface TextPreview {
  recipients: number;
  byEncoding: { gsm7: number; ucs2: number };
  maxSegments: number;
  stopMentionAdded: boolean;
  samples: { recipient: string; text: string }[];
}

interface Report {
  campaign: Campaign;
  sent: number;
  delivered: number;
  failed: number;
  failedByReason: Record<string, number>;
  suppressed: number;
  pending: number;
  stopsAfter: number;
  byStatus: Record<string, number>;
  costSoFar: { microEuros: number };
}

export function CampaignsPage() {
  const { data, error } = useLoad(() => api<{ campaigns: Campaign[] }>('GET', '/v1/campaigns'), []);
  return (
    <Page title={t('campaigns.title')}>
      <ProblemView error={error} />
      {data && data.campaigns.length === 0 && <p>{t('common.none')}</p>}
      {data && data.campaigns.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('campaigns.name')}</th>
                <th scope="col">{t('campaigns.status')}</th>
                <th scope="col">{t('campaigns.class')}</th>
                <th scope="col">{t('campaigns.queued')}</th>
                <th scope="col">{t('messages.created')}</th>
              </tr>
            </thead>
            <tbody>
              {data.campaigns.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/campaigns/${c.id}`}>{c.name}</Link>
                  </td>
                  <td>{word('campaign', c.status)}</td>
                  <td>{word('class', c.class)}</td>
                  <td>{formatCount(c.queued)}</td>
                  <td>{formatInstant(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mayChange('campaigns') && <NewCampaign />}
    </Page>
  );
}

function NewCampaign() {
  const bases = useLoad(() => api<{ bases: { id: string; name: string }[] }>('GET', '/v1/bases'), []);
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [kind, setKind] = useState('marketing');
  const [chosen, setChosen] = useState<string[]>([]);
  const [sendAt, setSendAt] = useState('');
  const create = useAction(async () => {
    const campaign = await api<Campaign>('POST', '/v1/campaigns', { body: { name, text, class: kind, bases: chosen, ...(sendAt ? { sendAt: new Date(sendAt).toISOString() } : {}) } });
    navigate(`/campaigns/${campaign.id}`);
  });
  const [preview, setPreview] = useState<TextPreview | null>(null);
  const previewing = useAction(async () => setPreview(await api<TextPreview>('POST', '/v1/templates/preview', { body: { text, bases: chosen, class: kind, sample: 1000 } })));
  const reason = (field: string) => (create.error instanceof ApiError ? create.error.reasonFor(field) : undefined);
  return (
    <section aria-labelledby="new-campaign">
      <h2 id="new-campaign">{t('campaigns.new')}</h2>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <Field label={t('campaigns.name')} error={reason('/name')}>
          {(id, d) => <input id={id} required value={name} aria-describedby={d} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field label={t('campaigns.class')} error={reason('/class')}>
          {(id) => (
            <select id={id} value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
              <option value="marketing">{word('class', 'marketing')}</option>
              <option value="transactional">{word('class', 'transactional')}</option>
            </select>
          )}
        </Field>
        <Field label={t('campaigns.text')} hint={t('campaigns.textHint')} error={reason('/text')}>
          {(id, d) => <textarea id={id} rows={4} required value={text} aria-describedby={d} onInput={(e) => setText(e.currentTarget.value)} />}
        </Field>
        <fieldset>
          <legend>{t('campaigns.bases')}</legend>
          {(bases.data?.bases ?? []).map((b) => (
            <label class="choice" key={b.id}>
              <input type="checkbox" checked={chosen.includes(b.id)} onChange={(e) => setChosen((all) => (e.currentTarget.checked ? [...all, b.id] : all.filter((x) => x !== b.id)))} /> {b.name}
            </label>
          ))}
          {reason('/bases') && <p class="field-error">{reason('/bases')}</p>}
        </fieldset>
        <Field label={t('campaigns.sendAt')} hint={t('campaigns.sendAtHint', { zone: readerZone })} error={reason('/sendAt')}>
          {(id, d) => <input id={id} type="datetime-local" value={sendAt} aria-describedby={d} onInput={(e) => setSendAt(e.currentTarget.value)} />}
        </Field>
        <ProblemView error={create.error ?? bases.error ?? previewing.error} fieldLabels={{ '/text': t('campaigns.text'), '/bases': t('campaigns.bases') }} />
        {preview && (
          <section aria-labelledby="preview-title" class="notice">
            <h3 id="preview-title">{t('campaigns.preview')}</h3>
            <p>
              {t('campaigns.previewFigures', {
                recipients: formatCount(preview.recipients),
                gsm7: formatCount(preview.byEncoding.gsm7),
                ucs2: formatCount(preview.byEncoding.ucs2),
                max: preview.maxSegments,
              })}
              {preview.stopMentionAdded && ` ${t('campaigns.previewStop')}`}
            </p>
            <ul>
              {preview.samples.map((s) => (
                <li key={s.recipient}>
                  <strong>{s.recipient}</strong> : <span class="text-cell">{s.text}</span>
                </li>
              ))}
            </ul>
          </section>
        )}
        <p class="actions">
          <button type="button" disabled={previewing.busy || !text || chosen.length === 0} onClick={() => void previewing.run()}>
            {t('campaigns.previewButton')}
          </button>
          <button type="submit" class="primary" disabled={create.busy}>
            {t('campaigns.create')}
          </button>
        </p>
      </form>
    </section>
  );
}

const ACTIONS: [string, 'campaigns.launch' | 'campaigns.pause' | 'campaigns.resume' | 'campaigns.cancel'][] = [
  ['launch', 'campaigns.launch'],
  ['pause', 'campaigns.pause'],
  ['resume', 'campaigns.resume'],
  ['cancel', 'campaigns.cancel'],
];

export function CampaignPage({ id }: { id: string }) {
  const path = `/v1/campaigns/${encodeURIComponent(id)}`;
  const report = useLoad(() => api<Report>('GET', `${path}/stats`), [id]);
  const [dryRun, setDryRun] = useState<DryRun | null>(null);
  const simulate = useAction(async () => setDryRun(await api<DryRun>('POST', `${path}/dry-run`)));
  const act = useAction(async (action: string) => {
    await api('POST', `${path}/${action}`);
    report.reload();
  });
  const campaign = report.data?.campaign;
  // While it sends, the statistics refresh every two seconds.
  useEffect(() => {
    if (campaign?.status !== 'running') return;
    const timer = setTimeout(report.reload, 2000);
    return () => clearTimeout(timer);
  }, [report.data]);
  return (
    <Page
      title={campaign ? `${campaign.name} — ${word('campaign', campaign.status)}` : t('campaigns.title')}
      actions={
        <button type="button" onClick={() => navigate('/campaigns')}>
          {t('common.back')}
        </button>
      }
    >
      <ProblemView error={report.error ?? act.error ?? simulate.error} />
      {campaign && (
        <>
          <p class="text-cell quote">{campaign.text}</p>
          {campaign.sendAt && (
            <p>
              {t('campaigns.sendAt')} : {formatInstant(campaign.sendAt)}
            </p>
          )}
          {mayChange('campaigns') && (
            <p class="actions">
              {campaign.actions.includes('launch') && (
                <button type="button" disabled={simulate.busy} onClick={() => void simulate.run()}>
                  {t('campaigns.dryRun')}
                </button>
              )}
              {ACTIONS.filter(([a]) => campaign.actions.includes(a)).map(([a, label]) => (
                <button type="button" key={a} class={a === 'launch' ? 'primary' : undefined} disabled={act.busy} onClick={() => void act.run(a)}>
                  {t(label)}
                </button>
              ))}
            </p>
          )}
          {dryRun && campaign.actions.includes('launch') && <DryRunReport run={dryRun} />}
          {campaign.status !== 'draft' && report.data && <Statistics report={report.data} />}
        </>
      )}
    </Page>
  );
}

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function DryRunReport({ run }: { run: DryRun }) {
  return (
    <section aria-labelledby="dry-run">
      <h2 id="dry-run">{t('campaigns.report')}</h2>
      <Figures
        items={[
          [t('campaigns.audience'), formatCount(run.audience.recipients)],
          [t('campaigns.messages'), formatCount(run.messages)],
          [t('campaigns.excluded'), formatCount(Object.values(run.excluded).reduce((a, b) => a + b, 0))],
          [t('campaigns.deferred'), formatCount(run.deferred.byWindow + run.deferred.byCap)],
          [t('campaigns.parts'), formatCount(run.parts)],
          [t('campaigns.costEstimate'), formatMoney(run.cost.microEuros)],
          [t('campaigns.timeToSend'), `${duration(run.timeToSend.seconds)} (${run.timeToSend.shortCode}, ${run.timeToSend.ratePerSecond}/s)`],
        ]}
      />
      <p class="hint">{run.ruleSets.join(', ')}</p>
      {run.routing.length > 0 && (
        <>
          <h3>{t('campaigns.routing')}</h3>
          <Bars counts={Object.fromEntries(run.routing.map((r) => [`${r.route} · ${r.operator === 'unknown' ? t('campaigns.operatorUnknown') : r.operator}`, r.messages]))} label={t('campaigns.routing')} />
        </>
      )}
      <h3>{t('campaigns.excluded')}</h3>
      {Object.keys(run.excluded).length ? <Bars counts={run.excluded} label={t('campaigns.excluded')} /> : <p>{t('common.none')}</p>}
      {Object.keys(run.deferred.byDay).length > 0 && (
        <>
          <h3>{t('campaigns.deferred')}</h3>
          <Bars counts={Object.fromEntries(Object.entries(run.deferred.byDay).map(([day, n]) => [day.split('-').reverse().join('/'), n]))} label={t('campaigns.deferred')} />
        </>
      )}
      {run.refusals.length > 0 && (
        <ul>
          {run.refusals.map((r, i) => (
            <li key={i}>
              {r.recipient} : {r.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Statistics({ report }: { report: Report }) {
  return (
    <section aria-labelledby="stats">
      <h2 id="stats">{t('campaigns.stats')}</h2>
      <Figures
        items={[
          [t('campaigns.sent'), formatCount(report.sent)],
          [t('campaigns.delivered'), formatCount(report.delivered)],
          [t('campaigns.failed'), formatCount(report.failed)],
          [t('campaigns.pending'), formatCount(report.pending)],
          [t('campaigns.suppressed'), formatCount(report.suppressed)],
          [t('campaigns.stops'), formatCount(report.stopsAfter)],
          [t('campaigns.costSoFar'), formatMoney(report.costSoFar.microEuros)],
        ]}
      />
      <Bars counts={Object.fromEntries(Object.entries(report.byStatus).map(([s, n]) => [word('status', s), n]))} label={t('campaigns.stats')} />
    </section>
  );
}
