/** A browser as the sign-in tests need it: keeps the session cookie, sends the CSRF token when asked. */
import type { Clock } from '../../src/app/ports.ts';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A clock at the real pace that a test moves forward (session expiry, lockouts, links' lifetimes). */
export function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms) };
}

export class Browser {
  cookie: string | undefined;
  csrfToken: string | undefined;
  lastSetCookie: string | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async call<T = any>(method: string, path: string, body?: unknown, options: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...this.headers, ...options.headers };
    if (this.cookie) headers.cookie = `relais_session=${this.cookie}`;
    if ((options.csrf ?? true) && this.csrfToken && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.baseUrl + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      this.lastSetCookie = setCookie;
      const value = /^relais_session=([^;]*)/.exec(setCookie)?.[1];
      this.cookie = value || undefined;
    }
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  /** Signs in; keeps the cookie and the CSRF token. */
  async signIn(email: string, password: string): Promise<Answer> {
    const answer = await this.call('POST', '/v1/session', { email, password });
    if (answer.status === 200) this.csrfToken = answer.body.csrfToken;
    return answer;
  }

  /** Another browser with the same cookie (a stolen cookie). */
  copy(): Browser {
    const other = new Browser(this.baseUrl, this.headers);
    other.cookie = this.cookie;
    other.csrfToken = this.csrfToken;
    return other;
  }
}
