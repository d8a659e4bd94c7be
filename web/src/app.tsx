/**
 * The portal's shell: sign-in (and its second factor) until GET /v1/session says who is here, then the pages the
 * person's rights open, in a navigation bar, with the language switch and sign-out.
 */
import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { api } from './api.ts';
import type { Key } from './i18n.ts';
import { CampaignPage, CampaignsPage } from './pages/campaigns.tsx';
import { ConsentsPage } from './pages/consents.tsx';
import { ContactsPage } from './pages/contacts.tsx';
import { BasePage } from './pages/audiences.tsx';
import { ConsolePage } from './pages/console.tsx';
import { HomePage } from './pages/home.tsx';
import { InboundPage } from './pages/inbound.tsx';
import { IncidentPage, IncidentsPage } from './pages/incidents.tsx';
import { MePage } from './pages/me.tsx';
import { MessagePage, MessagesPage } from './pages/messages.tsx';
import { SendPage } from './pages/send.tsx';
import { SETTINGS_RIGHTS, SettingsPage } from './pages/settings.tsx';
import { ChoosePasswordPage, PasswordResetPage, SecondFactorPage, SignInPage } from './pages/signin.tsx';
import { getState, holds, navigate, setActingAccount, setLanguage, signedOut, t, useApp } from './state.ts';
import { Link } from './ui.tsx';

interface Route {
  path: string;
  label: Key;
  /** The right that opens the page (none: everyone signed in). */
  right?: string;
  /** Or: any one of these rights opens it. */
  anyRight?: string[];
  /** Shown only to those who may change things under the right (sending needs to write). */
  write?: boolean;
  page: (params: string[]) => JSX.Element;
  /** Only the aggregator's staff see it (the console). */
  staff?: boolean;
  /** Paths under this one (/messages/123). */
  detail?: (params: string[]) => JSX.Element;
}

export const ROUTES: Route[] = [
  { path: '/', label: 'nav.home', page: () => <HomePage /> },
  { path: '/send', label: 'nav.send', right: 'messages', write: true, page: () => <SendPage /> },
  { path: '/messages', label: 'nav.messages', right: 'messages', page: () => <MessagesPage />, detail: ([id]) => <MessagePage id={id!} /> },
  { path: '/campaigns', label: 'nav.campaigns', right: 'campaigns', page: () => <CampaignsPage />, detail: ([id]) => <CampaignPage id={id!} /> },
  { path: '/contacts', label: 'nav.contacts', right: 'contacts', page: () => <ContactsPage />, detail: ([base]) => <BasePage base={base!} /> },
  { path: '/consents', label: 'nav.consents', right: 'consents', page: () => <ConsentsPage /> },
  { path: '/inbound', label: 'nav.inbound', right: 'inbound', page: () => <InboundPage /> },
  { path: '/settings', label: 'nav.settings', anyRight: SETTINGS_RIGHTS, page: () => <SettingsPage />, detail: ([tab]) => <SettingsPage tab={tab} /> },
  { path: '/incidents', label: 'nav.incidents', right: 'incidents', page: () => <IncidentsPage />, detail: ([reference]) => <IncidentPage reference={reference!} /> },
  { path: '/me', label: 'nav.me', page: () => <MePage /> },
  { path: '/console', label: 'nav.console', staff: true, page: () => <ConsolePage />, detail: ([tab]) => <ConsolePage tab={tab} /> },
];

export function visibleRoutes(): Route[] {
  const user = getState().session?.user;
  return ROUTES.filter((r) => (r.staff ? !!user?.staffRole : r.anyRight ? r.anyRight.some(holds) : !r.right || (holds(r.right) && !(r.write && user?.staffRole === 'operator-support'))));
}

function resolve(path: string): { route: Route; params: string[] } | undefined {
  const routes = visibleRoutes();
  for (const route of routes) {
    if (path === route.path) return { route, params: [] };
    if (route.detail && path.startsWith(`${route.path}/`)) return { route, params: path.slice(route.path.length + 1).split('/').map(decodeURIComponent) };
  }
  return undefined;
}

export function App() {
  const { session, path, language, notice, actingAccount } = useApp();
  useEffect(() => {
    document.getElementById('page-title')?.focus();
  }, [path, session?.user.id, session?.secondFactor]);

  if (session === undefined) return <p class="loading">{t('common.loading')}</p>;
  // The links of the invitation and password-reset e-mails
  const token = new URLSearchParams(location.search).get('token');
  if ((path === '/invitation' || path === '/password-reset') && token) return <Frame>{<ChoosePasswordPage purpose={path === '/invitation' ? 'invitation' : 'password-reset'} token={token} />}</Frame>;
  if (path === '/password-reset') return <Frame>{<PasswordResetPage />}</Frame>;
  if (session === null) return <Frame>{<SignInPage notice={notice} />}</Frame>;
  if (session.secondFactor) return <Frame>{<SecondFactorPage method={session.secondFactor} />}</Frame>;

  const found = resolve(path);
  if (!found) {
    // An unknown page, or one the person's rights do not open: the dashboard.
    queueMicrotask(() => navigate('/', true));
    return null;
  }
  const { route, params } = found;
  return (
    <div class="shell" lang={language}>
      <a class="skip" href="#main">
        {language === 'fr' ? 'Aller au contenu' : 'Skip to content'}
      </a>
      <Header current={route.path} />
      {/* A page starts afresh when staff change the account they view */}
      <main id="main" key={session.user.staffRole ? (actingAccount ?? '') : ''}>
        {notice && <p class="notice">{t(notice)}</p>}
        {session.user.staffRole && !actingAccount && !route.staff && <p class="notice">{t('home.chooseAccount')}</p>}
        {params.length > 0 && route.detail ? route.detail(params) : route.page(params)}
      </main>
    </div>
  );
}

/** The pages before sign-in: the name, the language switch, the form. */
function Frame({ children }: { children: JSX.Element }) {
  return (
    <div class="frame">
      <div class="frame-top">
        <span class="brand-name">
          {t('app.name')} <small>{t('app.tagline')}</small>
        </span>
        <LanguageSwitch />
      </div>
      <main id="main">{children}</main>
    </div>
  );
}

function LanguageSwitch() {
  const { language } = useApp();
  const other = language === 'fr' ? 'en' : 'fr';
  return (
    <button type="button" class="link-button" lang={other} aria-label={t('lang.switchLabel')} onClick={() => setLanguage(other)}>
      {t('lang.switch')}
    </button>
  );
}

function Header({ current }: { current: string }) {
  const { session, actingAccount } = useApp();
  const user = session!.user;
  const signOut = async (everywhere: boolean) => {
    try {
      await api('DELETE', everywhere ? '/v1/sessions' : '/v1/session');
    } finally {
      signedOut('signin.signedOut');
      navigate('/', true);
    }
  };
  return (
    <header class="top">
      <div class="top-row">
        <span class="brand-name">
          {t('app.name')} <small>{user.account ?? t(user.staffRole === 'operator-support' ? 'nav.support' : 'nav.aggregator')}</small>
        </span>
        <span class="who">{user.name ?? user.email}</span>
        <LanguageSwitch />
        <button type="button" class="link-button" onClick={() => void signOut(false)}>
          {t('nav.signOut')}
        </button>
      </div>
      {user.staffRole && (
        <form class="acting" onSubmit={(e) => e.preventDefault()}>
          <label for="acting-account">{t('nav.account')}</label>
          <input id="acting-account" value={actingAccount ?? ''} placeholder="demo" onChange={(e) => setActingAccount(e.currentTarget.value.trim())} />
        </form>
      )}
      <nav aria-label={t('nav.label')}>
        <ul>
          {visibleRoutes().map((r) => (
            <li key={r.path}>
              <Link href={r.path} current={current === r.path}>
                {t(r.label)}
              </Link>
            </li>
          ))}
          <li>
            <button type="button" class="link-button" onClick={() => void signOut(true)}>
              {t('nav.signOutEverywhere')}
            </button>
          </li>
        </ul>
      </nav>
    </header>
  );
}
