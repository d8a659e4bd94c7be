/**
 * Mon compte: the person's own security — enrol an authenticator app, or receive the codes by SMS — and, for those
 * who manage the account's users, whether the account requires a second factor of everyone.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { holds, t, useApp } from '../state.ts';
import { Field, Page, ProblemView, useAction } from '../ui.tsx';

export function MePage() {
  const { session } = useApp();
  const user = session!.user;
  return (
    <Page title={t('me.title')}>
      <dl class="facts">
        <dt>{t('signin.email')}</dt>
        <dd>{user.email}</dd>
        {user.account && (
          <>
            <dt>{t('nav.account')}</dt>
            <dd>{user.account}</dd>
          </>
        )}
      </dl>
      <ChangePassword />
      <Authenticator />
      <SmsCodes />
      {user.account && (user.administrator || holds('users')) && <AccountRequirement />}
    </Page>
  );
}

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const change = useAction(async () => {
    setDone(false);
    await api('PUT', '/v1/session/password', { body: { currentPassword: current, newPassword: next } });
    setCurrent('');
    setNext('');
    setDone(true);
  });
  const wrong = change.error instanceof ApiError && change.error.status === 401;
  return (
    <section aria-labelledby="password-title">
      <h2 id="password-title">{t('me.password')}</h2>
      <form
        class="form narrow"
        onSubmit={(e) => {
          e.preventDefault();
          void change.run();
        }}
      >
        <Field label={t('me.currentPassword')} error={wrong ? t('me.wrongCurrent') : undefined}>
          {(id, d) => <input id={id} type="password" autoComplete="current-password" required value={current} aria-describedby={d} onInput={(e) => setCurrent(e.currentTarget.value)} />}
        </Field>
        <Field label={t('signin.newPassword')} hint={t('signin.passwordHint')} error={change.error instanceof ApiError ? change.error.reasonFor('/newPassword') : undefined}>
          {(id, d) => <input id={id} type="password" autoComplete="new-password" required value={next} aria-describedby={d} onInput={(e) => setNext(e.currentTarget.value)} />}
        </Field>
        {!wrong && <ProblemView error={change.error} fieldLabels={{ '/newPassword': t('signin.newPassword') }} />}
        {done && (
          <p class="notice" role="status">
            {t('me.passwordChanged')}
          </p>
        )}
        <button type="submit" class="primary" disabled={change.busy}>
          {t('me.changePassword')}
        </button>
      </form>
    </section>
  );
}

function Authenticator() {
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [done, setDone] = useState(false);
  const start = useAction(async () => {
    setDone(false);
    setEnrolment(await api<{ secret: string; uri: string }>('POST', '/v1/session/totp'));
  });
  const confirm = useAction(async () => {
    await api('POST', '/v1/session/totp/confirm', { body: { code: code.trim() } });
    setEnrolment(null);
    setCode('');
    setDone(true);
  });
  return (
    <section aria-labelledby="totp-title">
      <h2 id="totp-title">{t('me.authenticator')}</h2>
      <p>{t('me.authenticatorHint')}</p>
      {!enrolment && (
        <button type="button" disabled={start.busy} onClick={() => void start.run()}>
          {t('signin.enrol')}
        </button>
      )}
      {enrolment && (
        <form
          class="form narrow"
          onSubmit={(e) => {
            e.preventDefault();
            void confirm.run();
          }}
        >
          <div class="notice">
            <p>{t('signin.enrolHint')}</p>
            <p>
              {t('signin.secret')} : <code class="secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
            </p>
            <p>
              <a href={enrolment.uri}>{t('signin.openApp')}</a>
            </p>
          </div>
          <Field label={t('signin.code')}>
            {(id) => <input id={id} inputMode="numeric" autoComplete="one-time-code" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />}
          </Field>
          <button type="submit" class="primary" disabled={confirm.busy}>
            {t('signin.verify')}
          </button>
        </form>
      )}
      <ProblemView error={start.error ?? confirm.error} />
      {done && (
        <p class="notice" role="status">
          {t('me.authenticatorDone')}
        </p>
      )}
    </section>
  );
}

function SmsCodes() {
  const [phone, setPhone] = useState('');
  const [done, setDone] = useState(false);
  const save = useAction(async () => {
    await api('PUT', '/v1/session/sms', { body: { phone: phone.trim() } });
    setDone(true);
  });
  return (
    <section aria-labelledby="sms-title">
      <h2 id="sms-title">{t('me.sms')}</h2>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setDone(false);
          void save.run();
        }}
      >
        <Field label={t('me.phone')} hint={t('me.phoneHint')} error={save.error instanceof ApiError ? save.error.reasonFor('/phone') : undefined}>
          {(id, d) => <input id={id} type="tel" required placeholder="+33612345678" value={phone} aria-describedby={d} onInput={(e) => setPhone(e.currentTarget.value)} />}
        </Field>
        <button type="submit" disabled={save.busy}>
          {t('common.save')}
        </button>
      </form>
      <ProblemView error={save.error} fieldLabels={{ '/phone': t('me.phone') }} />
      {done && (
        <p class="notice" role="status">
          {t('me.smsDone')}
        </p>
      )}
    </section>
  );
}

function AccountRequirement() {
  const [answer, setAnswer] = useState<boolean | null>(null);
  const set = useAction(async (required: boolean) => setAnswer((await api<{ requireSecondFactor: boolean }>('PATCH', '/v1/account/sign-in', { body: { requireSecondFactor: required } })).requireSecondFactor));
  return (
    <section aria-labelledby="require-title">
      <h2 id="require-title">{t('me.require')}</h2>
      <p>{t('me.requireHint')}</p>
      <p class="actions">
        <button type="button" disabled={set.busy} onClick={() => void set.run(true)}>
          {t('me.requireOn')}
        </button>
        <button type="button" disabled={set.busy} onClick={() => void set.run(false)}>
          {t('me.requireOff')}
        </button>
      </p>
      <ProblemView error={set.error} />
      {answer !== null && (
        <p class="notice" role="status">
          {t(answer ? 'me.requiredNow' : 'me.notRequiredNow')}
        </p>
      )}
    </section>
  );
}
