/**
 * The dashboard, the first page after sign-in: today and this month (GET /v1/statistics/summary, right
 * "statistics") — sent, delivered, failed, pending, STOPs received, spend — and the queue now; refreshed every
 * 15 seconds; the month's alarms for those who hold "billing". Without "statistics", the messages by status (GET /v1/messages/summary) for those who hold "messages".
 */
import { useEffect } from 'preact/hooks';
import { api } from '../api.ts';
import { formatCount, formatInstant, formatMoney } from '../format.ts';
import { holds, t, useApp } from '../state.ts';
import { Figures, Link, Page, ProblemView, useLoad, word } from '../ui.tsx';

interface Period {
  since: string;
  accepted: number;
  sent: number;
  delivered: number;
  failed: number;
  pending: number;
  notSent: number;
  stops: number;
  spend: number | null;
  byStatus: Record<string, number>;
}

interface StatisticsSummary {
  zone: string;
  today: Period;
  month: Period;
  queue: { ready: number; later: number; submitting: number; oldestDueAt: string | null };
}

interface MessagesSummary {
  byStatus: Record<string, number>;
  inDoubt: number;
}

export function HomePage() {
  const { session, actingAccount } = useApp();
  const user = session!.user;
  const viewing = !user.staffRole || actingAccount;
  return (
    <Page title={t('home.title')}>
      <p>{t('home.welcome', { name: user.name ?? user.email })}</p>
      {!user.staffRole && !user.administrator && <p class="hint">{t('home.rights', { rights: user.rights.map((r) => word('right', r)).join(', ') || '—' })}</p>}
      {user.staffRole && (
        <p>
          <Link href="/console">{t('console.open')}</Link>
        </p>
      )}
      {!viewing ? null : holds('statistics') ? <Dashboard /> : holds('messages') ? <ByStatus /> : <p>{t('home.noPages')}</p>}
      {viewing && holds('billing') && <Alarms />}
    </Page>
  );
}

function Dashboard() {
  const { data, error, reload } = useLoad(() => api<StatisticsSummary>('GET', '/v1/statistics/summary'), []);
  useEffect(() => {
    const timer = setInterval(reload, 15_000);
    return () => clearInterval(timer);
  }, [reload]);
  if (error) return <ProblemView error={error} />;
  if (!data) return <p>{t('common.loading')}</p>;
  const rows: [string, (p: Period) => string][] = [
    [t('dash.sent'), (p) => formatCount(p.sent)],
    [t('dash.delivered'), (p) => formatCount(p.delivered)],
    [t('dash.failed'), (p) => formatCount(p.failed)],
    [t('dash.pending'), (p) => formatCount(p.pending)],
    [t('dash.notSent'), (p) => formatCount(p.notSent)],
    [t('dash.stops'), (p) => formatCount(p.stops)],
    [t('dash.spend'), (p) => (p.spend === null ? '—' : formatMoney(p.spend))],
  ];
  const rate = (p: Period) => (p.sent > 0 ? `${Math.round((100 * p.delivered) / p.sent).toLocaleString('fr-FR')} %` : '—');
  const { queue } = data;
  return (
    <>
      <h2>{t('dash.today')}</h2>
      <Figures
        items={[
          [t('dash.sent'), formatCount(data.today.sent)],
          [t('dash.delivered'), formatCount(data.today.delivered)],
          [t('dash.failed'), formatCount(data.today.failed)],
          [t('dash.pending'), formatCount(data.today.pending)],
          [t('dash.stops'), formatCount(data.today.stops)],
          [t('dash.spend'), data.today.spend === null ? '—' : formatMoney(data.today.spend)],
        ]}
      />
      <h2>{t('dash.compare')}</h2>
      <div class="table-wrap">
        <table>
          <caption class="hint">{t('dash.zone', { zone: data.zone })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dash.figure')}</th>
              <th scope="col">{t('dash.today')}</th>
              <th scope="col">{t('dash.month')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, value]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td>{value(data.today)}</td>
                <td>{value(data.month)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">{t('dash.deliveryRate')}</th>
              <td>{rate(data.today)}</td>
              <td>{rate(data.month)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <h2>{t('dash.queue')}</h2>
      <Figures
        items={[
          [t('dash.queueReady'), formatCount(queue.ready)],
          [t('dash.queueLater'), formatCount(queue.later)],
          [t('dash.queueSubmitting'), formatCount(queue.submitting)],
        ]}
      />
      <p class="hint">{queue.oldestDueAt ? t('dash.queueOldest', { at: formatInstant(queue.oldestDueAt) }) : t('dash.queueEmpty')}</p>
    </>
  );
}

interface AlarmItem {
  id: string;
  kind: 'spend-threshold' | 'volume-threshold' | 'hard-cap' | 'outside-hours' | 'spike';
  period: string;
  figures: Record<string, number>;
  raisedAt: string;
}

/** The month's alarms (GET /v1/alarms, right "billing"), said from their figures, and the hard cap's hold. */
function Alarms() {
  const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).format(new Date());
  const { data, error } = useLoad(() => api<{ alarms: AlarmItem[]; hold: { since: string } | null }>('GET', `/v1/alarms?period=${month}&limit=20`), []);
  if (error) return <ProblemView error={error} />;
  if (!data) return null;
  return (
    <section aria-labelledby="alarms-title">
      <h2 id="alarms-title">{t('alarms.title')}</h2>
      {data.hold && (
        <p class="problem" role="alert">
          {t('alarms.held', { since: formatInstant(data.hold.since) })}
        </p>
      )}
      {data.alarms.length === 0 ? (
        <p class="hint">{t('alarms.none')}</p>
      ) : (
        <ul>
          {data.alarms.map((alarm) => (
            <li key={alarm.id}>
              {alarmText(alarm)} <span class="hint">— {formatInstant(alarm.raisedAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function alarmText({ kind, figures: f }: AlarmItem): string {
  switch (kind) {
    case 'spend-threshold':
      return t('alarms.spend', { percent: f.percent!, value: formatMoney(f.value!), limit: formatMoney(f.limit!) });
    case 'volume-threshold':
      return t('alarms.volume', { percent: f.percent!, value: formatCount(f.value!), limit: formatCount(f.limit!) });
    case 'hard-cap':
      return t('alarms.hardCap');
    case 'outside-hours':
      return t('alarms.outsideHours', { parts: formatCount(f.parts!) });
    case 'spike':
      return t('alarms.spike', { today: formatCount(f.today!), factor: f.factor!, mean: formatCount(f.mean!) });
  }
}

function ByStatus() {
  const { data, error } = useLoad(() => api<MessagesSummary>('GET', '/v1/messages/summary'), []);
  if (error) return <ProblemView error={error} />;
  if (!data) return <p>{t('common.loading')}</p>;
  const items: [string, string][] = Object.entries(data.byStatus).map(([status, n]) => [word('status', status), formatCount(n)]);
  return (
    <>
      <h2>{t('home.byStatus')}</h2>
      {items.length ? <Figures items={[...items, [t('home.inDoubt'), formatCount(data.inDoubt)]]} /> : <p>{t('common.none')}</p>}
    </>
  );
}
