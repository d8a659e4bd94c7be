/** Sign-in, its second factor and the password reset request: the only pages a stranger sees. */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import type { Key } from '../i18n.ts';
import { navigate, signedIn, signedOut, t, type SessionBody } from '../state.ts';
import { Field, Link, Page, ProblemView, useAction } from '../ui.tsx';

export function SignInPage({ notice }: { notice: Key | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { run, error, busy } = useAction(async () => signedIn(await api<SessionBody>('POST', '/v1/session', { body: { email, password } })));
  const wrong = error instanceof ApiError && error.status === 401;
  return (
    <Page title={t('signin.title')}>
      {notice && <p class="notice">{t(notice)}</p>}
      <form
        class="form narrow"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <Field label={t('signin.email')}>
          {(id, described) => <input id={id} type="email" autoComplete="username" required value={email} aria-describedby={described} onInput={(e) => setEmail(e.currentTarget.value)} />}
        </Field>
        <Field label={t('signin.password')}>
          {(id, described) => <input id={id} type="password" autoComplete="current-password" required value={password} aria-describedby={described} onInput={(e) => setPassword(e.currentTarget.value)} />}
        </Field>
        {wrong ? (
          <p class="problem" role="alert">
            {t('signin.wrong')}
          </p>
        ) : (
          <ProblemView error={error} />
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('signin.submit')}
        </button>
        <p>
          <Link href="/password-reset">{t('signin.forgot')}</Link>
        </p>
        <p class="hint">{t('signin.firstTime')}</p>
      </form>
    </Page>
  );
}

export function SecondFactorPage({ method }: { method: 'totp' | 'sms' }) {
  const [code, setCode] = useState('');
  const { run, error, busy } = useAction(async () => signedIn(await api<SessionBody>('POST', '/v1/session/second-factor', { body: { code: code.trim() } })));
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string } | null>(null);
  const [resent, setResent] = useState(false);
  const enrol = useAction(async () => setEnrolment(await api<{ secret: string; uri: string }>('POST', '/v1/session/totp')));
  const resend = useAction(async () => {
    await api('POST', '/v1/session/second-factor/sms');
    setResent(true);
  });
  return (
    <Page title={t('signin.secondFactor')}>
      {method === 'totp' && !enrolment && (
        <p>
          {t('signin.noAuthenticator')}{' '}
          <button type="button" class="link-button" disabled={enrol.busy} onClick={() => void enrol.run()}>
            {t('signin.enrol')}
          </button>
        </p>
      )}
      {enrolment && (
        <div class="notice">
          <p>{t('signin.enrolHint')}</p>
          <p>
            {t('signin.secret')} : <code class="secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
          </p>
          <p>
            <a href={enrolment.uri}>{t('signin.openApp')}</a>
          </p>
        </div>
      )}
      <ProblemView error={enrol.error ?? resend.error} />
      {method === 'sms' && (
        <p>
          <button type="button" class="link-button" disabled={resend.busy} onClick={() => void resend.run()}>
            {t('signin.resend')}
          </button>
          {resent && <span role="status"> {t('signin.resent')}</span>}
        </p>
      )}
      <form
        class="form narrow"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <Field label={t('signin.code')} hint={t(method === 'totp' ? 'signin.totpHint' : 'signin.smsHint')}>
          {(id, described) => (
            <input id={id} inputMode="numeric" autoComplete="one-time-code" required value={code} aria-describedby={described} onInput={(e) => setCode(e.currentTarget.value)} />
          )}
        </Field>
        <ProblemView error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('signin.verify')}
        </button>
        <button
          type="button"
          class="link-button"
          onClick={() => {
            void api('DELETE', '/v1/session').catch(() => undefined);
            signedOut();
          }}
        >
          {t('signin.back')}
        </button>
      </form>
    </Page>
  );
}

export function PasswordResetPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const { run, error, busy } = useAction(async () => {
    await api('POST', '/v1/password-reset', { body: { email } });
    setSent(true);
  });
  return (
    <Page title={t('signin.forgot')}>
      <form
        class="form narrow"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <Field label={t('signin.email')}>
          {(id) => <input id={id} type="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
        </Field>
        <ProblemView error={error} />
        {sent && <p class="notice" role="status">{t('signin.resetSent')}</p>}
        <button type="submit" class="primary" disabled={busy}>
          {t('signin.resetSubmit')}
        </button>
        <button type="button" class="link-button" onClick={() => navigate('/')}>
          {t('signin.back')}
        </button>
      </form>
    </Page>
  );
}

/** The page an invitation's or a reset's link opens (`/invitation?token=…`, `/password-reset?token=…`): choose a password. */
export function ChoosePasswordPage({ purpose, token }: { purpose: 'invitation' | 'password-reset'; token: string }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);
  const { run, error, busy } = useAction(async () => {
    if (password !== again) throw new ApiError({ status: 422, detail: t('signin.mismatch') });
    await api('POST', purpose === 'invitation' ? '/v1/invitations/accept' : '/v1/password-reset/confirm', { body: { token, password } });
    setDone(true);
  });
  const reason = error instanceof ApiError ? error.reasonFor('/password') : undefined;
  return (
    <Page title={t(purpose === 'invitation' ? 'signin.welcome' : 'signin.chooseNew')}>
      {done ? (
        <>
          <p class="notice" role="status">
            {t('signin.passwordSet')}
          </p>
          <button type="button" class="primary" onClick={() => navigate('/', true)}>
            {t('signin.submit')}
          </button>
        </>
      ) : (
        <form
          class="form narrow"
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          <Field label={t('signin.newPassword')} hint={t('signin.passwordHint')} error={reason}>
            {(id, d) => <input id={id} type="password" autoComplete="new-password" required value={password} aria-describedby={d} onInput={(e) => setPassword(e.currentTarget.value)} />}
          </Field>
          <Field label={t('signin.passwordAgain')}>
            {(id) => <input id={id} type="password" autoComplete="new-password" required value={again} onInput={(e) => setAgain(e.currentTarget.value)} />}
          </Field>
          <ProblemView error={error} fieldLabels={{ '/password': t('signin.newPassword'), '/token': t('signin.link') }} />
          <button type="submit" class="primary" disabled={busy}>
            {t('common.save')}
          </button>
        </form>
      )}
    </Page>
  );
}
