/**
 * What the whole portal shares: who is signed in (GET /v1/session), the language, the account staff act on, and the
 * current path. A tiny store — a value and its listeners — read through `useApp()`.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, configureConnection } from './api.ts';
import { translate, type Key, type Language } from './i18n.ts';

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  language: Language | null;
  account: string | null;
  staffRole: 'operator-admin' | 'operator-support' | null;
  administrator: boolean;
  rights: string[];
  brands: string[] | null;
}

export interface SessionBody {
  user: SessionUser;
  csrfToken: string;
  secondFactor: 'totp' | 'sms' | null;
}

export interface AppState {
  /** undefined while the first GET /v1/session is under way. */
  session: SessionBody | null | undefined;
  language: Language;
  path: string;
  actingAccount: string | null;
  /** A sentence shown once at the top of the next page (signed out, session expired). */
  notice: Key | null;
}

const LANGUAGE_KEY = 'relais.language';
const ACCOUNT_KEY = 'relais.account';

function storedLanguage(): Language {
  const stored = localStorage.getItem(LANGUAGE_KEY);
  return stored === 'en' || stored === 'fr' ? stored : 'fr';
}

let state: AppState = {
  session: undefined,
  language: storedLanguage(),
  path: location.pathname,
  actingAccount: localStorage.getItem(ACCOUNT_KEY),
  notice: null,
};
const listeners = new Set<() => void>();

function set(change: Partial<AppState>): void {
  state = { ...state, ...change };
  configureConnection({ csrfToken: state.session?.csrfToken ?? null, actingAccount: state.session?.user.staffRole ? state.actingAccount : null });
  document.documentElement.lang = state.language;
  for (const listener of listeners) listener();
}

export function getState(): AppState {
  return state;
}

/**
 * The state, and a new render whenever it changes. The subscription starts in an effect, after the first render:
 * a change in between (the session's answer arriving first on a slow device) is caught up there, or the page would
 * keep what it first showed ("Chargement…").
 */
export function useApp(): AppState {
  const [, render] = useState(0);
  const rendered = state;
  useEffect(() => {
    const listener = () => render((n) => n + 1);
    listeners.add(listener);
    if (state !== rendered) listener();
    return () => void listeners.delete(listener);
  }, []);
  return state;
}

/** The translation function in the current language. */
export function t(key: Key, values?: Record<string, string | number>): string {
  return translate(state.language, key, values);
}

export function setLanguage(language: Language): void {
  localStorage.setItem(LANGUAGE_KEY, language);
  set({ language });
}

export function setActingAccount(name: string): void {
  localStorage.setItem(ACCOUNT_KEY, name);
  set({ actingAccount: name || null });
}

export function navigate(path: string, replace = false): void {
  if (path === state.path) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  set({ path, notice: null });
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => set({ path: location.pathname }));

/** Whether the signed-in person holds a right (staff hold them all; operator-support only to read). */
export function holds(right: string): boolean {
  const user = state.session?.user;
  if (!user) return false;
  return user.staffRole !== null || user.administrator || user.rights.includes(right);
}

/** Whether the signed-in person may change things under a right. */
export function mayChange(right: string): boolean {
  return holds(right) && state.session?.user.staffRole !== 'operator-support';
}

export function signedIn(body: SessionBody): void {
  // The language chosen in this browser wins over the user's stored one.
  const language = localStorage.getItem(LANGUAGE_KEY) ? state.language : (body.user.language ?? state.language);
  set({ session: body, language, notice: null });
}

export function signedOut(notice: Key | null = null): void {
  set({ session: null, notice });
}

/** On start: is this browser signed in? */
export async function loadSession(): Promise<void> {
  configureConnection({ onSignedOut: () => state.session && signedOut('error.401') });
  try {
    signedIn(await api<SessionBody>('GET', '/v1/session'));
  } catch (error) {
    set({ session: null, notice: error instanceof ApiError && error.status !== 401 ? 'error.network' : null });
  }
}
