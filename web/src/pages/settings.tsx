/**
 * Settings, in tabs each opened by a right: the account's webhooks and their deliveries ("settings"), its users
 * ("users"), its API keys ("api-keys"), its audit trail ("users"), its SMPP and e-mail doors and its keywords
 * ("settings").
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { formatInstant } from '../format.ts';
import { holds, mayChange, t } from '../state.ts';
import { Field, ProblemView, TabbedPage, useAction, useLoad, type Tab } from '../ui.tsx';
import { ApiKeysTab, AuditTab, UsersTab } from './people.tsx';
import { DoorsTab, KeywordsTab, WebhookDeliveries } from './doors.tsx';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  createdAt: string;
  secret?: string;
}

const TABS: (Tab & { right: string })[] = [
  { name: 'webhooks', label: 'settings.webhooks', right: 'settings', page: () => <WebhooksTab /> },
  { name: 'users', label: 'users.title', right: 'users', page: () => <UsersTab /> },
  { name: 'api-keys', label: 'keys.title', right: 'api-keys', page: () => <ApiKeysTab /> },
  { name: 'audit', label: 'audit.title', right: 'users', page: () => <AuditTab /> },
  { name: 'doors', label: 'settings.doors', right: 'settings', page: () => <DoorsTab /> },
  { name: 'keywords', label: 'settings.keywords', right: 'settings', page: () => <KeywordsTab /> },
];

/** The rights that open the settings page (any one of them). */
export const SETTINGS_RIGHTS = [...new Set(TABS.map((tab) => tab.right))];

export function SettingsPage({ tab }: { tab?: string | undefined }) {
  return <TabbedPage title={t('settings.title')} base="/settings" tabs={TABS.filter((x) => holds(x.right))} tab={tab} />;
}

function WebhooksTab() {
  const hooks = useLoad(() => api<{ webhooks: Webhook[] }>('GET', '/v1/webhooks'), []);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useAction(async () => {
    const created = await api<Webhook>('POST', '/v1/webhooks', { body: { url } });
    setSecret(created.secret ?? null);
    setUrl('');
    hooks.reload();
  });
  const change = useAction(async (hook: Webhook, what: 'toggle' | 'delete') => {
    if (what === 'delete') await api('DELETE', `/v1/webhooks/${hook.id}`);
    else await api('PATCH', `/v1/webhooks/${hook.id}`, { body: { active: !hook.active } });
    hooks.reload();
  });
  const writable = mayChange('settings');
  const [shown, setShown] = useState<string | null>(null);
  return (
    <section>
      <h2>{t('settings.webhooks')}</h2>
      <ProblemView error={hooks.error ?? change.error} />
      {hooks.data && hooks.data.webhooks.length === 0 && <p>{t('common.none')}</p>}
      <ul class="cards">
        {hooks.data?.webhooks.map((h) => (
          <li key={h.id} class={shown === h.id ? 'expanded' : undefined}>
            <strong>{h.url}</strong>
            <span>{h.events.join(', ')}</span>
            <span>
              {t('settings.active')} : {h.active ? t('common.yes') : t('common.no')} · {formatInstant(h.createdAt)}
            </span>
            {writable && (
              <span>
                <button type="button" onClick={() => void change.run(h, 'toggle')}>
                  {t(h.active ? 'settings.disable' : 'settings.enable')}
                </button>{' '}
                <button type="button" onClick={() => void change.run(h, 'delete')}>
                  {t('common.delete')}
                </button>
              </span>
            )}
            <span>
              <button type="button" aria-expanded={shown === h.id} onClick={() => setShown(shown === h.id ? null : h.id)}>
                {t(shown === h.id ? 'settings.hideDeliveries' : 'settings.showDeliveries')}
              </button>
            </span>
            {shown === h.id && <WebhookDeliveries webhookId={h.id} />}
          </li>
        ))}
      </ul>
      {writable && (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            void create.run();
          }}
        >
          <Field label={t('settings.webhookUrl')} error={create.error instanceof ApiError ? create.error.reasonFor('/url') : undefined}>
            {(id, d) => <input id={id} type="url" required placeholder="https://" value={url} aria-describedby={d} onInput={(e) => setUrl(e.currentTarget.value)} />}
          </Field>
          <ProblemView error={create.error} />
          {secret && <p class="notice" role="status">{t('settings.webhookCreated', { secret })}</p>}
          <button type="submit" class="primary" disabled={create.busy}>
            {t('common.create')}
          </button>
        </form>
      )}
    </section>
  );
}
