/**
 * The people of the account, in the settings: its users (invite, rights, disable, hand over the administration,
 * invite again), its API keys (create — the key shown once —, revoke) and its audit trail (filters, pages, CSV).
 */
import { useState } from 'preact/hooks';
import { RIGHTS } from '../../../src/core/access/rights.ts';
import { api, ApiError } from '../api.ts';
import { formatInstant, readerZone } from '../format.ts';
import type { Key } from '../i18n.ts';
import { getState, holds, mayChange, t, useApp } from '../state.ts';
import { download, Field, ProblemView, useAction, useLoad, word } from '../ui.tsx';

interface User {
  id: string;
  email: string;
  name: string;
  language: 'fr' | 'en';
  administrator: boolean;
  rights: string[];
  brands: string[] | null;
  status: 'invited' | 'active' | 'disabled';
  createdAt: string;
}

interface ApiKey {
  id: string;
  name: string | null;
  prefix: string;
  rights: string[] | null;
  brands: string[] | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  key?: string;
}

interface AuditEvent {
  id: string;
  at: string;
  actor: { kind: string; id: string | null; label: string | null };
  ip: string | null;
  action: string;
  object: { type: string; id: string } | null;
  result: 'ok' | 'refused' | 'failed';
  status: number | null;
}

/** The rights the signed-in person may give (nobody grants more than they hold). */
function grantable(): string[] {
  return RIGHTS.filter((r) => holds(r));
}

/** The brands the person may give: the account's (when they may read it), else their own. */
function useBrands(): string[] {
  const own = getState().session?.user.brands ?? null;
  const account = useLoad(() => (own === null && holds('settings') ? api<{ brands: string[] }>('GET', '/v1/account') : Promise.resolve({ brands: own ?? [] })), []);
  return account.data?.brands ?? [];
}

function rightsInWords(rights: string[] | null): string {
  return rights === null ? t('people.everyRight') : rights.length === 0 ? t('people.noRight') : [...rights].sort((a, b) => RIGHTS.indexOf(a as never) - RIGHTS.indexOf(b as never)).map((r) => word('right', r)).join(', ');
}

function brandsInWords(brands: string[] | null): string {
  return brands === null ? t('people.everyBrand') : brands.join(', ');
}

/** Checkboxes for some of a list (rights in words, or brands). */
function Choices({ legend, hint, options, chosen, onChange, label }: { legend: string; hint?: string; options: string[]; chosen: string[]; onChange: (chosen: string[]) => void; label: (o: string) => string }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {hint && <p class="hint">{hint}</p>}
      <div class="choices">
        {options.map((o) => (
          <label class="choice" key={o}>
            <input type="checkbox" checked={chosen.includes(o)} onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, o] : chosen.filter((x) => x !== o))} /> {label(o)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function UsersTab() {
  const { session } = useApp();
  const me = session!.user;
  const users = useLoad(() => api<{ users: User[] }>('GET', '/v1/users'), []);
  const brands = useBrands();
  const writable = mayChange('users');
  const [done, setDone] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [editRights, setEditRights] = useState<string[]>([]);
  const act = useAction(async (user: User, what: 'disable' | 'enable' | 'administrator' | 'invite' | 'rights') => {
    setDone(null);
    if (what === 'disable' || what === 'enable') await api('PATCH', `/v1/users/${user.id}`, { body: { status: what === 'disable' ? 'disabled' : 'active' } });
    if (what === 'rights') await api('PATCH', `/v1/users/${user.id}`, { body: { rights: editRights } });
    if (what === 'administrator') await api('POST', `/v1/users/${user.id}/administrator`);
    if (what === 'invite') await api('POST', `/v1/users/${user.id}/invitation`);
    setEditing(null);
    setDone(t(`users.done.${what}` as Key, { email: user.email }));
    users.reload();
  });
  const mayHandOver = me.administrator || me.staffRole === 'operator-admin';
  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">{t('users.title')}</h2>
      <ProblemView error={users.error ?? act.error} />
      {done && (
        <p class="notice" role="status">
          {done}
        </p>
      )}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t('users.name')}</th>
              <th>{t('signin.email')}</th>
              <th>{t('people.rights')}</th>
              <th>{t('people.brands')}</th>
              <th>{t('users.status')}</th>
              {writable && <th>{t('people.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {users.data?.users.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.name}
                  {u.administrator && <> · <strong>{t('users.administrator')}</strong></>}
                </td>
                <td>{u.email}</td>
                <td>
                  {editing === u.id ? (
                    <form
                      onSubmit={(e) => {
                        e.preventDefault();
                        void act.run(u, 'rights');
                      }}
                    >
                      <Choices legend={t('people.rights')} options={grantable()} chosen={editRights} onChange={setEditRights} label={(r) => word('right', r)} />
                      <p class="actions">
                        <button type="submit" class="primary" disabled={act.busy}>
                          {t('common.save')}
                        </button>
                        <button type="button" onClick={() => setEditing(null)}>
                          {t('people.cancel')}
                        </button>
                      </p>
                    </form>
                  ) : u.administrator ? (
                    t('people.everyRight')
                  ) : (
                    rightsInWords(u.rights)
                  )}
                </td>
                <td>{brandsInWords(u.brands)}</td>
                <td>{word('users.state', u.status)}</td>
                {writable && (
                  <td>
                    {!u.administrator && (
                      <span class="actions">
                        <button
                          type="button"
                          aria-label={t('users.changeRightsOf', { email: u.email })}
                          onClick={() => {
                            setEditRights(u.rights);
                            setEditing(u.id);
                          }}
                        >
                          {t('users.changeRights')}
                        </button>
                        <button type="button" disabled={act.busy} onClick={() => void act.run(u, u.status === 'disabled' ? 'enable' : 'disable')}>
                          {t(u.status === 'disabled' ? 'users.enable' : 'users.disable')}
                        </button>
                        {u.status === 'invited' && (
                          <button type="button" disabled={act.busy} onClick={() => void act.run(u, 'invite')}>
                            {t('users.invite')}
                          </button>
                        )}
                        {mayHandOver && u.status !== 'disabled' && (
                          <button type="button" disabled={act.busy} onClick={() => confirm(t('users.handOverConfirm', { email: u.email })) && void act.run(u, 'administrator')}>
                            {t('users.handOver')}
                          </button>
                        )}
                      </span>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {writable && <NewUser brands={brands} onCreated={(u) => (setDone(t('users.created', { email: u.email })), users.reload())} />}
    </section>
  );
}

function NewUser({ brands, onCreated }: { brands: string[]; onCreated: (user: User) => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [language, setLanguage] = useState<'fr' | 'en'>('fr');
  const [rights, setRights] = useState<string[]>([]);
  const [chosenBrands, setChosenBrands] = useState<string[]>([]);
  const create = useAction(async () => {
    const user = await api<User>('POST', '/v1/users', { body: { email: email.trim(), name: name.trim(), language, rights, ...(chosenBrands.length > 0 ? { brands: chosenBrands } : {}) } });
    setEmail('');
    setName('');
    setRights([]);
    setChosenBrands([]);
    onCreated(user);
  });
  const reason = (field: string) => (create.error instanceof ApiError ? create.error.reasonFor(field) : undefined);
  return (
    <form
      class="form"
      aria-labelledby="new-user-title"
      onSubmit={(e) => {
        e.preventDefault();
        void create.run();
      }}
    >
      <h3 id="new-user-title">{t('users.new')}</h3>
      <p class="hint">{t('users.newHint')}</p>
      <Field label={t('signin.email')} error={reason('/email')}>
        {(id, d) => <input id={id} type="email" required value={email} aria-describedby={d} onInput={(e) => setEmail(e.currentTarget.value)} />}
      </Field>
      <Field label={t('users.name')} error={reason('/name')}>
        {(id, d) => <input id={id} required value={name} aria-describedby={d} onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      <Field label={t('users.language')}>
        {(id) => (
          <select id={id} value={language} onChange={(e) => setLanguage(e.currentTarget.value as 'fr' | 'en')}>
            <option value="fr">Français</option>
            <option value="en">English</option>
          </select>
        )}
      </Field>
      <Choices legend={t('people.rights')} options={grantable()} chosen={rights} onChange={setRights} label={(r) => word('right', r)} />
      {brands.length > 1 && <Choices legend={t('people.brands')} hint={t('people.brandsHint')} options={brands} chosen={chosenBrands} onChange={setChosenBrands} label={(b) => b} />}
      <ProblemView error={create.error} fieldLabels={{ '/email': t('signin.email'), '/name': t('users.name'), '/rights': t('people.rights') }} />
      <button type="submit" class="primary" disabled={create.busy}>
        {t('users.create')}
      </button>
    </form>
  );
}

export function ApiKeysTab() {
  const keys = useLoad(() => api<{ apiKeys: ApiKey[] }>('GET', '/v1/api-keys'), []);
  const brands = useBrands();
  const writable = mayChange('api-keys');
  const [created, setCreated] = useState<ApiKey | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const revoke = useAction(async (key: ApiKey) => {
    await api('DELETE', `/v1/api-keys/${key.id}`);
    setRevoking(null);
    setCreated(null);
    setDone(t('keys.revoked', { prefix: key.prefix }));
    keys.reload();
  });
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">{t('keys.title')}</h2>
      <ProblemView error={keys.error ?? revoke.error} />
      {done && (
        <p class="notice" role="status">
          {done}
        </p>
      )}
      {created?.key && <NewKeyShown apiKey={created} />}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t('keys.prefix')}</th>
              <th>{t('keys.label')}</th>
              <th>{t('people.rights')}</th>
              <th>{t('people.brands')}</th>
              <th>{t('keys.lastUsed')}</th>
              <th>{t('keys.revokedAt')}</th>
              {writable && <th>{t('people.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {keys.data?.apiKeys.map((k) => (
              <tr key={k.id}>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.name ?? '—'}</td>
                <td>{rightsInWords(k.rights)}</td>
                <td>{brandsInWords(k.brands)}</td>
                <td>{k.lastUsedAt ? formatInstant(k.lastUsedAt) : t('keys.never')}</td>
                <td>{k.revokedAt ? formatInstant(k.revokedAt) : '—'}</td>
                {writable && (
                  <td>
                    {!k.revokedAt &&
                      (revoking === k.id ? (
                        <span class="actions" role="group" aria-label={t('keys.confirm', { prefix: k.prefix })}>
                          <span>{t('keys.confirm', { prefix: k.prefix })}</span>
                          <button type="button" class="primary" disabled={revoke.busy} onClick={() => void revoke.run(k)}>
                            {t('keys.revokeYes')}
                          </button>
                          <button type="button" onClick={() => setRevoking(null)}>
                            {t('people.cancel')}
                          </button>
                        </span>
                      ) : (
                        <button type="button" aria-label={t('keys.revokeOne', { prefix: k.prefix })} onClick={() => setRevoking(k.id)}>
                          {t('keys.revoke')}
                        </button>
                      ))}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {writable && (
        <NewKey
          brands={brands}
          onCreated={(k) => {
            setDone(null);
            setCreated(k);
            keys.reload();
          }}
        />
      )}
    </section>
  );
}

function NewKeyShown({ apiKey }: { apiKey: ApiKey }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="warning" role="status">
      <p>
        <strong>{t('keys.createdTitle', { label: apiKey.name ?? apiKey.prefix })}</strong>
      </p>
      <p>
        <code class="secret-key" data-testid="new-key">
          {apiKey.key}
        </code>{' '}
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(apiKey.key!).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {t(copied ? 'keys.copied' : 'keys.copy')}
        </button>
      </p>
      <p>{t('keys.once')}</p>
    </div>
  );
}

function NewKey({ brands, onCreated }: { brands: string[]; onCreated: (key: ApiKey) => void }) {
  const [label, setLabel] = useState('');
  const [rights, setRights] = useState<string[]>([]);
  const [chosenBrands, setChosenBrands] = useState<string[]>([]);
  const create = useAction(async () => {
    const key = await api<ApiKey>('POST', '/v1/api-keys', { body: { name: label.trim(), rights, ...(chosenBrands.length > 0 ? { brands: chosenBrands } : {}) } });
    setLabel('');
    setRights([]);
    setChosenBrands([]);
    onCreated(key);
  });
  return (
    <form
      class="form"
      aria-labelledby="new-key-title"
      onSubmit={(e) => {
        e.preventDefault();
        void create.run();
      }}
    >
      <h3 id="new-key-title">{t('keys.new')}</h3>
      <Field label={t('keys.label')} hint={t('keys.labelHint')} error={create.error instanceof ApiError ? create.error.reasonFor('/name') : undefined}>
        {(id, d) => <input id={id} required value={label} aria-describedby={d} onInput={(e) => setLabel(e.currentTarget.value)} />}
      </Field>
      <Choices legend={t('people.rights')} options={grantable()} chosen={rights} onChange={setRights} label={(r) => word('right', r)} />
      {brands.length > 1 && <Choices legend={t('people.brands')} hint={t('people.brandsHint')} options={brands} chosen={chosenBrands} onChange={setChosenBrands} label={(b) => b} />}
      <ProblemView error={create.error} fieldLabels={{ '/name': t('keys.label'), '/rights': t('people.rights') }} />
      <button type="submit" class="primary" disabled={create.busy}>
        {t('keys.create')}
      </button>
    </form>
  );
}

/** A datetime-local value (the reader's zone) as an instant. */
function instant(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

export function AuditTab() {
  const [action, setAction] = useState('');
  const [result, setResult] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [query, setQuery] = useState<Record<string, string | undefined>>({});
  const [cursor, setCursor] = useState<string | null>(null);
  const events = useLoad(() => api<{ events: AuditEvent[]; nextCursor: string | null }>('GET', '/v1/audit', { query: { ...query, limit: 50, cursor } }), [query, cursor]);
  const exported = useAction(async () => {
    const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1]));
    await download(`/v1/audit.csv${params.size ? `?${params}` : ''}`, 'audit.csv');
  });
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('audit.title')}</h2>
      <p class="hint">{t('audit.hint')}</p>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setCursor(null);
          setQuery({ action: action.trim() || undefined, result: result || undefined, from: instant(from), to: instant(to) });
        }}
      >
        <Field label={t('audit.action')} hint={t('audit.actionHint')}>
          {(id, d) => <input id={id} value={action} placeholder="api-keys" aria-describedby={d} onInput={(e) => setAction(e.currentTarget.value)} />}
        </Field>
        <Field label={t('audit.result')}>
          {(id) => (
            <select id={id} value={result} onChange={(e) => setResult(e.currentTarget.value)}>
              <option value="">{t('audit.any')}</option>
              {['ok', 'refused', 'failed'].map((r) => (
                <option key={r} value={r}>
                  {word('audit.results', r)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={`${t('audit.from')} (${readerZone})`}>{(id) => <input id={id} type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />}</Field>
        <Field label={`${t('audit.to')} (${readerZone})`}>{(id) => <input id={id} type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} />}</Field>
        <button type="submit">{t('audit.filter')}</button>
      </form>
      <p class="actions">
        <button type="button" disabled={exported.busy} onClick={() => void exported.run()}>
          {t('audit.export')}
        </button>
      </p>
      <ProblemView error={events.error ?? exported.error} />
      {events.data && events.data.events.length === 0 && <p>{t('common.none')}</p>}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t('audit.at')}</th>
              <th>{t('audit.actor')}</th>
              <th>{t('audit.action')}</th>
              <th>{t('audit.object')}</th>
              <th>{t('audit.result')}</th>
            </tr>
          </thead>
          <tbody>
            {events.data?.events.map((e) => (
              <tr key={e.id}>
                <td>{formatInstant(e.at)}</td>
                <td>
                  {e.actor.label ?? e.actor.id ?? '—'} <small>({word('audit.kind', e.actor.kind)})</small>
                </td>
                <td>
                  <code class="nowrap">{e.action}</code>
                </td>
                <td>{e.object ? `${e.object.type} ${e.object.id}` : '—'}</td>
                <td>
                  {word('audit.results', e.result)}
                  {e.status !== null && ` (${e.status})`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="actions">
        {cursor && (
          <button type="button" onClick={() => setCursor(null)}>
            {t('audit.first')}
          </button>
        )}
        {events.data?.nextCursor && (
          <button type="button" onClick={() => setCursor(events.data!.nextCursor)}>
            {t('audit.next')}
          </button>
        )}
      </p>
    </section>
  );
}
