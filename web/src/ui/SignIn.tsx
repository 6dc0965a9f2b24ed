import { useState } from 'preact/hooks';
import type { AppConfig } from '../config';
import { beginCognito, devSignIn, type ManagerScope, type Session } from '../auth';
import { t } from '../i18n';
import { Field } from './common';

const ROLES = ['citizen', 'staff', 'manager'] as const;
type Role = (typeof ROLES)[number];
/** A manager's token names one scope here (the API's tokens may carry more). */
const SCOPES: ManagerScope['kind'][] = ['agency', 'institution', 'org'];

export function SignIn({ cfg, message, returnTo, onSignedIn }: {
  cfg: AppConfig; message: string | null; returnTo: string; onSignedIn(s: Session): void;
}) {
  const [user, setUser] = useState('alice');
  const [role, setRole] = useState<Role>('citizen');
  const [inst, setInst] = useState('inst-msk-01');
  const [scope, setScope] = useState<ManagerScope['kind']>('agency');
  const [scopeId, setScopeId] = useState('minzdrav');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const userValid = /^[A-Za-z0-9._@-]{1,128}$/.test(user.trim());

  async function submitDev(e: Event) {
    e.preventDefault();
    if (!userValid) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(role === 'staff' ? await devSignIn(cfg, user.trim(), ['staff'], { institution: inst.trim() })
        : role === 'manager' ? await devSignIn(cfg, user.trim(), ['manager'], { [scope]: scopeId.trim() })
          : await devSignIn(cfg, user.trim()));
    } catch (err) {
      setError(t('auth.failed', { msg: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  }

  async function goCognito() {
    if (!cfg.cognito) return;
    setBusy(true);
    const back = returnTo && returnTo.startsWith('/') ? `#${returnTo}` : '#/documents';
    location.assign(await beginCognito(cfg.cognito, back));
  }

  return (
    <section class="card signin" aria-labelledby="signin-title">
      <h1 id="signin-title">{t('auth.title')}</h1>
      {message && <div class="alert alert-warn" role="alert" data-testid="signin-message">{message}</div>}
      {error && <div class="alert alert-bad" role="alert" data-testid="signin-error">{error}</div>}
      {cfg.auth === 'dev' ? (
        <form onSubmit={submitDev} data-testid="signin-form" novalidate>
          <p class="hint">{t('auth.devHint')}</p>
          <Field label={t('auth.user')} required error={user && !userValid ? t('v.format') : null}>
            {(id, db, invalid) => (
              <input id={id} name="user" autocomplete="username" value={user} aria-describedby={db}
                aria-invalid={invalid} required maxLength={128} data-testid="signin-user"
                onInput={(e) => setUser(e.currentTarget.value)} />
            )}
          </Field>
          <Field label={t('auth.role')}>
            {(id) => (
              <select id={id} name="role" data-testid="signin-role" value={role}
                onChange={(e) => setRole(ROLES.find((r) => r === e.currentTarget.value) ?? 'citizen')}>
                {ROLES.map((r) => <option key={r} value={r}>{t(`auth.role.${r}`)}</option>)}
              </select>
            )}
          </Field>
          {role === 'staff' && (
            <Field label={t('auth.institution')} hint={t('auth.institutionHint')}>
              {(id, db) => (
                <input id={id} name="institution" value={inst} aria-describedby={db} maxLength={64}
                  data-testid="signin-institution" onInput={(e) => setInst(e.currentTarget.value)} />
              )}
            </Field>
          )}
          {role === 'manager' && (
            <div class="field-row">
              <Field label={t('auth.scope')}>
                {(id) => (
                  <select id={id} name="scope" data-testid="signin-scope" value={scope}
                    onChange={(e) => setScope(SCOPES.find((k) => k === e.currentTarget.value) ?? 'agency')}>
                    {SCOPES.map((k) => <option key={k} value={k}>{t(`auth.scope.${k}`)}</option>)}
                  </select>
                )}
              </Field>
              <Field label={t('auth.scopeId')} hint={t('auth.scopeIdHint')}>
                {(id, db) => (
                  <input id={id} name="scopeId" value={scopeId} aria-describedby={db} maxLength={64}
                    data-testid="signin-scope-id" onInput={(e) => setScopeId(e.currentTarget.value)} />
                )}
              </Field>
            </div>
          )}
          <button type="submit" class="btn btn-primary" disabled={busy || !userValid} data-testid="signin-submit">
            {t('auth.submit')}
          </button>
        </form>
      ) : (
        <div>
          <p class="hint">{t('auth.cognitoHint')}</p>
          <button type="button" class="btn btn-primary" disabled={busy} onClick={goCognito} data-testid="signin-cognito">
            {t('auth.cognito')}
          </button>
        </div>
      )}
    </section>
  );
}
