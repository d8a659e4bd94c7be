/** The dashboard: the account's messages by status (GET /v1/messages/summary) and what the person may do. */
import { api } from '../api.ts';
import { formatCount } from '../format.ts';
import { holds, t, useApp } from '../state.ts';
import { Figures, Page, ProblemView, useLoad, word } from '../ui.tsx';

interface Summary {
  byStatus: Record<string, number>;
  inDoubt: number;
}

export function HomePage() {
  const { session, actingAccount } = useApp();
  const user = session!.user;
  return (
    <Page title={t('home.title')}>
      <p>{t('home.welcome', { name: user.name ?? user.email })}</p>
      {!user.staffRole && !user.administrator && <p class="hint">{t('home.rights', { rights: user.rights.map((r) => word('right', r)).join(', ') || '—' })}</p>}
      {user.staffRole && !actingAccount ? null : holds('messages') ? <Summary /> : <p>{t('home.noPages')}</p>}
    </Page>
  );
}

function Summary() {
  const { data, error } = useLoad(() => api<Summary>('GET', '/v1/messages/summary'), []);
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
