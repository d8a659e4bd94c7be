/**
 * The aggregator console (staff only), on the aggregator's API (/v1/aggregator, the session cookie): the accounts
 * (create, suspend, reactivate, short codes), the routes with each link's state, each short code's rate and queue
 * depth (refreshed every 5 seconds), the alphanumeric senders approved per account, and every account's traffic.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { formatCount, formatInstant } from '../format.ts';
import type { Key } from '../i18n.ts';
import { getState, navigate, setActingAccount, t } from '../state.ts';
import { Field, ProblemView, TabbedPage, useAction, useLoad, type Tab } from '../ui.tsx';

interface AccountSettings {
  name: string;
  brand: string;
  shortCodes: string[];
  defaultShortCode: string | null;
  alphanumericSenders: string[];
  status: 'active' | 'suspended' | 'closed';
  statusReason: string | null;
  identity: { legalName: string | null };
}

interface RouteView {
  name: string;
  protocol: string;
  host: string;
  port: number;
  window: number;
  operator: string | null;
  subscribersOnly: boolean;
  paused: string | null;
  link: { state: string; freeWindow: number | null; owner: string | null; leaseExpiresAt: string | null };
  shortCodes: { number: string; ratePerSecond: number; queue: { ready: number; later: number; submitting: number; oldestDueAt: string | null } }[];
}

interface TrafficPeriod {
  accepted: number;
  sent: number;
  delivered: number;
  failed: number;
  pending: number;
  notSent: number;
}

const TABS: Tab[] = [
  { name: 'accounts', label: 'console.accounts', page: () => <AccountsTab /> },
  { name: 'routes', label: 'console.routes', page: () => <RoutesTab /> },
  { name: 'senders', label: 'console.senders', page: () => <SendersTab /> },
  { name: 'traffic', label: 'console.traffic', page: () => <TrafficTab /> },
];

const isAdmin = () => getState().session?.user.staffRole === 'operator-admin';

export function ConsolePage({ tab }: { tab?: string | undefined }) {
  return <TabbedPage title={t('console.title')} base="/console" tabs={TABS} tab={tab} />;
}

function useAccounts() {
  return useLoad(() => api<{ accounts: AccountSettings[] }>('GET', '/v1/aggregator/accounts'), []);
}

function AccountsTab() {
  const accounts = useAccounts();
  const [name, setName] = useState('');
  const [legalName, setLegalName] = useState('');
  const [adminEmail, setAdminEmail] = useState('');
  const [adminName, setAdminName] = useState('');
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const create = useAction(async () => {
    await api('POST', '/v1/aggregator/accounts', {
      body: { name: name.trim(), ...(legalName.trim() ? { legalName: legalName.trim() } : {}), ...(adminEmail.trim() ? { administrator: { email: adminEmail.trim(), name: adminName.trim() || adminEmail.trim() } } : {}) },
    });
    setName('');
    setLegalName('');
    setAdminEmail('');
    setAdminName('');
    accounts.reload();
  });
  const change = useAction(async (account: AccountSettings, action: 'suspend' | 'reactivate') => {
    const reason = reasons[account.name]?.trim();
    if (action === 'suspend' && !reason) throw new Error(t('console.reasonNeeded'));
    await api('POST', `/v1/aggregator/accounts/${encodeURIComponent(account.name)}/${action}`, { body: action === 'suspend' ? { reason } : {} });
    setReasons({ ...reasons, [account.name]: '' });
    accounts.reload();
  });
  const label = { '/name': t('console.name'), '/legalName': t('console.legalName'), '/administrator/email': t('console.adminEmail'), '/administrator/name': t('console.adminName') };
  return (
    <section>
      <h2>{t('console.accounts')}</h2>
      <ProblemView error={accounts.error ?? change.error} />
      {accounts.data && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('console.name')}</th>
                <th scope="col">{t('console.legalName')}</th>
                <th scope="col">{t('console.status')}</th>
                <th scope="col">{t('console.shortCodes')}</th>
                <th scope="col">{t('console.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {accounts.data.accounts.map((a) => (
                <tr key={a.name}>
                  <th scope="row">
                    <button
                      type="button"
                      class="link-button"
                      title={t('console.view')}
                      onClick={() => {
                        setActingAccount(a.name);
                        navigate('/');
                      }}
                    >
                      {a.name}
                    </button>
                  </th>
                  <td>{a.identity.legalName ?? '—'}</td>
                  <td>
                    <span class={`badge ${a.status === 'active' ? 'good' : 'bad'}`}>{t(`console.status.${a.status}` as Key)}</span>
                    {a.statusReason && <div class="hint">{a.statusReason}</div>}
                  </td>
                  <td>{a.shortCodes.join(', ') || a.defaultShortCode || '—'}</td>
                  <td>
                    {isAdmin() && a.status === 'active' && (
                      <div class="actions">
                        <input
                          aria-label={t('console.reasonFor', { name: a.name })}
                          placeholder={t('console.reason')}
                          value={reasons[a.name] ?? ''}
                          onInput={(e) => setReasons({ ...reasons, [a.name]: e.currentTarget.value })}
                        />
                        <button type="button" onClick={() => void change.run(a, 'suspend')}>
                          {t('console.suspend')}
                        </button>
                      </div>
                    )}
                    {isAdmin() && a.status === 'suspended' && (
                      <button type="button" onClick={() => void change.run(a, 'reactivate')}>
                        {t('console.reactivate')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {isAdmin() && (
        <>
          <h3>{t('console.newAccount')}</h3>
          <form
            class="form"
            onSubmit={(e) => {
              e.preventDefault();
              void create.run();
            }}
          >
            <div class="row">
              <Field label={t('console.name')} hint={t('console.nameHint')}>
                {(id, described) => <input id={id} required value={name} pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" aria-describedby={described} onInput={(e) => setName(e.currentTarget.value)} />}
              </Field>
              <Field label={t('console.legalName')}>{(id) => <input id={id} value={legalName} onInput={(e) => setLegalName(e.currentTarget.value)} />}</Field>
            </div>
            <div class="row">
              <Field label={t('console.adminEmail')} hint={t('console.adminHint')}>
                {(id, described) => <input id={id} type="email" value={adminEmail} aria-describedby={described} onInput={(e) => setAdminEmail(e.currentTarget.value)} />}
              </Field>
              <Field label={t('console.adminName')}>{(id) => <input id={id} value={adminName} onInput={(e) => setAdminName(e.currentTarget.value)} />}</Field>
            </div>
            <ProblemView error={create.error} fieldLabels={label} />
            <button type="submit" class="primary" disabled={create.busy}>
              {t('console.create')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}

const LINK_TONE: Record<string, string> = { bound: 'good', connecting: 'wait', elsewhere: 'quiet', idle: 'quiet' };

function RoutesTab() {
  const routes = useLoad(() => api<{ routes: RouteView[] }>('GET', '/v1/aggregator/routes'), []);
  useEffect(() => {
    const timer = setInterval(routes.reload, 5_000);
    return () => clearInterval(timer);
  }, [routes.reload]);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const pause = useAction(async (route: string, reason: string | null) => {
    await api('POST', `/v1/aggregator/routes/${encodeURIComponent(route)}/${reason === null ? 'resume' : 'pause'}`, { body: reason === null ? {} : { reason } });
    setReasons({ ...reasons, [route]: '' });
    routes.reload();
  });
  return (
    <section>
      <h2>{t('console.routes')}</h2>
      <p class="hint">{t('console.routesHint')}</p>
      <ProblemView error={routes.error ?? pause.error} fieldLabels={{ '/reason': t('console.pauseReason') }} />
      {routes.data && routes.data.routes.length === 0 && <p>{t('common.none')}</p>}
      {routes.data?.routes.map((r) => (
        <article key={r.name} class="route">
          <h3>
            {r.name} <span class={`badge ${LINK_TONE[r.link.state] ?? 'bad'}`}>{t(`console.link.${r.link.state}` as Key)}</span>
            {r.paused !== null && <span class="badge bad">{t('console.paused')}</span>}
          </h3>
          <p class="hint">
            {r.protocol.toUpperCase()} {r.host}:{r.port} · {t('console.window', { window: r.window, free: r.link.freeWindow ?? '—' })}
            {r.link.owner && ` · ${t('console.owner', { owner: r.link.owner })}`}
            {r.operator && ` · ${t(r.subscribersOnly ? 'console.operatorOnly' : 'console.operator', { operator: r.operator })}`}
          </p>
          {r.paused !== null && <p>{t('console.pausedBecause', { reason: r.paused })}</p>}
          {isAdmin() &&
            (r.paused === null ? (
              <form
                class="row"
                onSubmit={(e) => {
                  e.preventDefault();
                  void pause.run(r.name, reasons[r.name] ?? '');
                }}
              >
                <Field label={t('console.pauseReason')} hint={t('console.pauseHint')}>
                  {(id, described) => <input id={id} required aria-describedby={described} value={reasons[r.name] ?? ''} onInput={(e) => setReasons({ ...reasons, [r.name]: e.currentTarget.value })} />}
                </Field>
                <button type="submit" disabled={pause.busy}>
                  {t('console.pause')}
                </button>
              </form>
            ) : (
              <button type="button" disabled={pause.busy} onClick={() => void pause.run(r.name, null)}>
                {t('console.resume')}
              </button>
            ))}
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('console.shortCode')}</th>
                  <th scope="col">{t('console.rate')}</th>
                  <th scope="col">{t('dash.queueReady')}</th>
                  <th scope="col">{t('dash.queueLater')}</th>
                  <th scope="col">{t('dash.queueSubmitting')}</th>
                  <th scope="col">{t('console.oldest')}</th>
                </tr>
              </thead>
              <tbody>
                {r.shortCodes.map((s) => (
                  <tr key={s.number}>
                    <th scope="row">{s.number}</th>
                    <td>{t('console.perSecond', { rate: formatCount(s.ratePerSecond) })}</td>
                    <td>{formatCount(s.queue.ready)}</td>
                    <td>{formatCount(s.queue.later)}</td>
                    <td>{formatCount(s.queue.submitting)}</td>
                    <td>{s.queue.oldestDueAt ? formatInstant(s.queue.oldestDueAt) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </article>
      ))}
    </section>
  );
}

function SendersTab() {
  const accounts = useAccounts();
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const change = useAction(async (account: AccountSettings, senders: string[]) => {
    await api('PATCH', `/v1/aggregator/accounts/${encodeURIComponent(account.name)}`, { body: { alphanumericSenders: senders } });
    setDrafts({ ...drafts, [account.name]: '' });
    accounts.reload();
  });
  return (
    <section>
      <h2>{t('console.senders')}</h2>
      <p class="hint">{t('console.sendersHint')}</p>
      <ProblemView error={accounts.error ?? change.error} fieldLabels={{ '/alphanumericSenders': t('console.sender') }} />
      <ul class="cards">
        {accounts.data?.accounts
          .filter((a) => a.status !== 'closed')
          .map((a) => (
            <li key={a.name}>
              <strong>{a.name}</strong>
              {a.alphanumericSenders.length === 0 && <span class="hint">{t('console.noSender')}</span>}
              {a.alphanumericSenders.map((s) => (
                <span key={s}>
                  {s}{' '}
                  {isAdmin() && (
                    <button type="button" class="link-button" aria-label={t('console.withdrawSender', { sender: s, name: a.name })} onClick={() => void change.run(a, a.alphanumericSenders.filter((x) => x !== s))}>
                      {t('console.withdraw')}
                    </button>
                  )}
                </span>
              ))}
              {isAdmin() && (
                <form
                  class="actions"
                  onSubmit={(e) => {
                    e.preventDefault();
                    const sender = (drafts[a.name] ?? '').trim();
                    if (sender) void change.run(a, [...a.alphanumericSenders, sender]);
                  }}
                >
                  <input aria-label={t('console.approveFor', { name: a.name })} maxLength={11} value={drafts[a.name] ?? ''} onInput={(e) => setDrafts({ ...drafts, [a.name]: e.currentTarget.value })} />
                  <button type="submit">{t('console.approve')}</button>
                </form>
              )}
            </li>
          ))}
      </ul>
    </section>
  );
}

function TrafficTab() {
  const traffic = useLoad(() => api<{ zone: string; accounts: { account: string; today: TrafficPeriod; month: TrafficPeriod }[] }>('GET', '/v1/aggregator/traffic'), []);
  const columns: [Key, keyof TrafficPeriod][] = [
    ['dash.accepted', 'accepted'],
    ['dash.sent', 'sent'],
    ['dash.delivered', 'delivered'],
    ['dash.failed', 'failed'],
    ['dash.pending', 'pending'],
  ];
  const total = (period: 'today' | 'month', key: keyof TrafficPeriod) => (traffic.data?.accounts ?? []).reduce((n, a) => n + a[period][key], 0);
  return (
    <section>
      <h2>{t('console.traffic')}</h2>
      <p class="hint">{t('console.trafficHint')}</p>
      <ProblemView error={traffic.error} />
      {traffic.data && (
        <div class="table-wrap">
          <table>
            <caption class="hint">{t('dash.zone', { zone: traffic.data.zone })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('console.name')}</th>
                {columns.map(([label]) => (
                  <th scope="col" key={label}>
                    {t(label)} ({t('dash.today').toLowerCase()} / {t('dash.month').toLowerCase()})
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {traffic.data.accounts.map((a) => (
                <tr key={a.account}>
                  <th scope="row">{a.account}</th>
                  {columns.map(([label, key]) => (
                    <td key={label}>
                      {formatCount(a.today[key])} / {formatCount(a.month[key])}
                    </td>
                  ))}
                </tr>
              ))}
              <tr>
                <th scope="row">{t('console.total')}</th>
                {columns.map(([label, key]) => (
                  <td key={label}>
                    <strong>
                      {formatCount(total('today', key))} / {formatCount(total('month', key))}
                    </strong>
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
