import { render } from 'preact';
import { loadConfig, type AppConfig } from './config';
import { CognitoSession, completeCognito, loadRefreshToken, loadSession, type Session } from './auth';
import { initialLang, setLang, t } from './i18n';
import { App } from './ui/App';
import './styles.css';

async function start(): Promise<void> {
  setLang(initialLang(), false);
  const root = document.getElementById('app')!;
  let cfg: AppConfig;
  try {
    cfg = await loadConfig();
  } catch (e) {
    render(
      <main class="boot-error" role="alert">
        <h1>{t('app.configError')}</h1>
        <p>{e instanceof Error ? e.message : String(e)}</p>
      </main>,
      root,
    );
    return;
  }
  let session: Session | null = loadSession();
  let authError: string | null = null;
  if (cfg.auth === 'cognito' && cfg.cognito && location.search) {
    try {
      const done = await completeCognito(cfg.cognito, location.search);
      if (done) {
        session = done.session;
        history.replaceState(null, '', `${location.pathname}${done.returnTo || '#/documents'}`);
      }
    } catch (e) {
      authError = e instanceof Error ? e.message : String(e);
      history.replaceState(null, '', `${location.pathname}#/signin`);
    }
  }
  // Cognito: an ID token that ran out (or is about to) while the tab was away is renewed with the refresh token.
  if (cfg.auth === 'cognito' && cfg.cognito && !authError && loadRefreshToken()) {
    session = (await new CognitoSession(cfg.cognito).valid()) ?? session;
  }
  render(<App cfg={cfg} initialSession={session} initialAuthError={authError} />, root);
}

void start();
