import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api, type ApiError } from '../api';
import type { AppConfig } from '../config';
import { clearSession, CognitoSession, loadRefreshToken, logoutUrl, managerScopes, revokeCognito, staffInstitution, type Session } from '../auth';
import { getLang, hasSavedLang, LANG_NAMES, LANGS, onLangChange, setLang, t, type Lang } from '../i18n';
import { getZone, onZoneChange, setZone } from '../prefs';
import { navigate, parseHash, type Route } from '../router';
import type { Tone } from '../format';
import { AppCtx, ErrorBox, Loading, PageHeader, useApp, type Ctx } from './common';
import { SignIn } from './SignIn';
import { DocumentForm, DocumentsPage, DocumentView } from './Documents';
import { NotificationsPage } from './Notifications';
import { AppointmentsPage, BookingPage, InstitutionPage, JournalPage, SpecialistPage, rememberReferral } from './Appointments';
import { WaitlistPage } from './Waitlist';
import { ApplicationPage, ApplicationsPage, NewApplicationPage } from './Applications';
import { ProfilePage } from './Profile';
import { FamilyPage, PersonPage, rememberPatient } from './Family';
import { VisitsPage } from './Visits';
import { SharedWithUsPage } from './Shares';

interface Toast { id: number; msg: string; tone: Tone }

const NAV: { path: string; key: string; name: string[] }[] = [
  { path: '/documents', key: 'nav.documents', name: ['documents', 'document', 'documentNew', 'documentEdit'] },
  { path: '/notifications', key: 'nav.notifications', name: ['notifications'] },
  { path: '/appointments', key: 'nav.appointments', name: ['appointments', 'institution', 'specialist'] },
  { path: '/journal', key: 'nav.journal', name: ['journal', 'booking'] },
  { path: '/waitlist', key: 'nav.waitlist', name: ['waitlist'] },
  { path: '/applications', key: 'nav.applications', name: ['applications', 'application', 'applicationNew'] },
  { path: '/family', key: 'nav.family', name: ['family', 'person'] },
  { path: '/profile', key: 'nav.profile', name: ['profile'] },
];
/** Staff of an institution also see what people shared with it. */
const STAFF_NAV = { path: '/shared', key: 'nav.shared', name: ['shared'] };
/** ... and close the visits of its specialists. */
const VISITS_NAV = { path: '/visits', key: 'nav.visits', name: ['visits'] };
/** Managers (an agency's, an institution's, an organisation's) read their dashboard first. */
const DASHBOARD_NAV = { path: '/dashboard', key: 'nav.dashboard', name: ['dashboard'] };

/** The items of the main menu for a session. */
function navFor(s: Session) {
  const items = staffInstitution(s) ? [...NAV, STAFF_NAV, VISITS_NAV] : NAV;
  return managerScopes(s).length > 0 ? [DASHBOARD_NAV, ...items] : items;
}

/** The screen after sign-in: a manager's dashboard, everyone else's documents. */
function homePath(s: Session): string {
  return managerScopes(s).length > 0 ? '/dashboard' : '/documents';
}

export function App({ cfg, initialSession, initialAuthError }: {
  cfg: AppConfig; initialSession: Session | null; initialAuthError: string | null;
}) {
  const [session, setSession] = useState<Session | null>(initialSession);
  const [route, setRoute] = useState<Route>(() => parseHash(location.hash));
  const [lang, setLangState] = useState<Lang>(getLang());
  const [banner, setBanner] = useState<string | null>(null);
  const [authMsg, setAuthMsg] = useState<string | null>(initialAuthError ? t('auth.failed', { msg: initialAuthError }) : null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [unread, setUnread] = useState<number | null>(null);
  const sessionRef = useRef(session);
  sessionRef.current = session;

  const [zone, setZoneState] = useState<string | undefined>(getZone());
  useEffect(() => onLangChange((l) => setLangState(l)), []);
  // Every screen shows times in the profile's zone: a new zone renders them again.
  useEffect(() => onZoneChange((z) => setZoneState(z)), []);
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);

  // Cognito: the ID token lasts an hour; the refresh token from sign-in renews it.
  const cognito = useMemo(() => (cfg.auth === 'cognito' && cfg.cognito ? new CognitoSession(cfg.cognito) : null), [cfg]);

  const api = useMemo(() => new Api(cfg, {
    token: () => sessionRef.current?.token ?? null,
    ...(cognito ? {
      validToken: async () => {
        if (!sessionRef.current) return null;
        return adopt(await cognito.valid())?.token ?? sessionRef.current?.token ?? null;
      },
      refreshAfter401: async (used: string | null) => {
        if (!sessionRef.current) return null;
        return adopt(await cognito.afterUnauthorized(used))?.token ?? null;
      },
    } : {}),
    lang: () => getLang(),
    onUnauthorized: () => {
      clearSession();
      setSession(null);
      setAuthMsg(t('auth.expired'));
    },
    onUnavailable: (e: ApiError) => {
      setBanner(e.retryAfter ? t('err.unavailableRetry', { n: e.retryAfter }) : t('err.unavailable'));
    },
  }), [cfg]);

  /** Takes over a refreshed session (same user, new token). */
  function adopt(s: Session | null): Session | null {
    if (s && sessionRef.current && s.token !== sessionRef.current.token) {
      sessionRef.current = s;
      setSession(s);
    }
    return s;
  }

  const toastSeq = useRef(0);
  const ctx: Ctx | null = session ? {
    api,
    cfg,
    session,
    toast: (msg: string, tone: Tone = 'ok') => {
      const id = ++toastSeq.current;
      setToasts((ts) => [...ts.slice(-2), { id, msg, tone }]);
      setTimeout(() => setToasts((ts) => ts.filter((x) => x.id !== id)), 5000);
    },
    refreshBadge: () => { void loadBadge(); },
  } : null;

  async function loadBadge() {
    if (!sessionRef.current) return;
    try {
      const list = await api.notifications(true);
      setUnread(list.items.filter((n) => n.unread).length);
    } catch { /* the badge is best effort */ }
  }

  // The unread badge: on sign-in, on every screen change, and every minute.
  useEffect(() => {
    if (!session) { setUnread(null); return; }
    void loadBadge();
    const timer = setInterval(() => { void loadBadge(); }, 60_000);
    return () => clearInterval(timer);
  }, [session]);
  useEffect(() => { if (session) void loadBadge(); }, [route.name]);
  useEffect(() => { setBanner(null); }, [route.name]);

  // The profile's zone is the one times are shown in; its language is the
  // default until the user picks one here.
  useEffect(() => {
    if (!session) { setZone(undefined); return; }
    api.profile().then(({ body }) => {
      setZone(body.timeZone);
      if (!hasSavedLang() && body.version > 0 && body.language !== getLang()) setLang(body.language, false);
    }, () => undefined);
  }, [session]);

  function onSignedIn(s: Session) {
    setSession(s);
    setAuthMsg(null);
    // Back to where the user was: the signin route's ?return=, or the screen a 401 interrupted.
    const ret = route.name === 'signin' ? route.query.get('return') : location.hash.replace(/^#/, '');
    navigate(ret && ret.startsWith('/') && !ret.startsWith('/signin') ? ret : homePath(s), undefined, true);
  }

  async function signOut() {
    const refreshToken = loadRefreshToken();
    clearSession();
    setSession(null);
    setAuthMsg(null);
    if (cfg.auth === 'cognito' && cfg.cognito) {
      // Best effort: the refresh token is dead even if the hosted UI's cookie outlives the logout.
      await revokeCognito(cfg.cognito, refreshToken);
      location.assign(logoutUrl(cfg.cognito));
      return;
    }
    navigate('/signin', undefined, true);
  }

  const langSwitch = (
    <div class="lang-switch" role="group" aria-label={t('lang.switch')}>
      {LANGS.map((l) => (
        <button type="button" key={l} lang={l} class="chip" aria-pressed={lang === l}
          data-testid={`lang-${l}`} onClick={() => setLang(l)}>
          {l.toUpperCase()}<span class="sr-only"> — {LANG_NAMES[l]}</span>
        </button>
      ))}
    </div>
  );

  if (!session || !ctx) {
    const currentPath = location.hash.replace(/^#/, '');
    const returnTo = route.name === 'signin' ? route.query.get('return') ?? '' : currentPath;
    return (
      <div class="shell shell-signin" data-lang={lang}>
        <header class="topbar">
          <span class="brand">{t('app.title')}</span>
          {langSwitch}
        </header>
        <main id="main" class="content">
          <SignIn cfg={cfg} message={authMsg} returnTo={returnTo} onSignedIn={onSignedIn} />
        </main>
      </div>
    );
  }

  if (route.name === 'signin') {
    // Already signed in: go to the registry.
    setTimeout(() => navigate(homePath(session), undefined, true), 0);
  }

  return (
    <AppCtx.Provider value={ctx}>
      <div class="shell" data-lang={lang} data-zone={zone}>
        <a class="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
          {t('app.skip')}
        </a>
        <header class="topbar">
          <a class="brand" href={`#${homePath(session)}`}>{t('app.title')}</a>
          <div class="topbar-right">
            {langSwitch}
            <span class="user" data-testid="current-user" title={t('auth.signedInAs', { user: session.sub })}>{session.sub}</span>
            <button type="button" class="btn btn-ghost" data-testid="sign-out" onClick={() => { void signOut(); }}>{t('auth.signOut')}</button>
          </div>
        </header>
        <nav class="mainnav" aria-label={t('nav.main')}>
          <ul>
            {navFor(session).map((n) => {
              const active = n.name.includes(route.name);
              return (
                <li key={n.path}>
                  <a href={`#${n.path}`} aria-current={active ? 'page' : undefined} data-testid={`nav-${n.path.slice(1)}`}>
                    {t(n.key)}
                    {n.path === '/notifications' && unread !== null && unread > 0 && (
                      <span class="nav-badge" data-testid="unread-badge">
                        <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
                        <span class="sr-only">{t('nav.unread', { n: unread })}</span>
                      </span>
                    )}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        {banner && (
          <div class="alert alert-warn banner" role="alert" data-testid="unavailable-banner">
            {banner}
            <button type="button" class="btn btn-ghost" onClick={() => setBanner(null)}>{t('common.close')}</button>
          </div>
        )}
        <main id="main" class="content" tabIndex={-1}>
          <Page route={route} />
        </main>
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
          {toasts.map((x) => <div key={x.id} class={`toast toast-${x.tone}`}>{x.msg}</div>)}
        </div>
      </div>
    </AppCtx.Provider>
  );
}

function Page({ route }: { route: Route }) {
  const p = route.params;
  switch (route.name) {
    case 'signin':
    case 'documents': return <DocumentsPage />;
    case 'documentEdit': return <DocumentForm key={`edit-${p.id}`} id={p.id} />;
    case 'document': return <DocumentView key={p.id} id={p.id} />;
    case 'notifications': return <NotificationsPage />;
    case 'appointments':
      if (route.query.get('patient')) rememberPatient(route.query.get('patient'));
      if (route.query.get('referral')) rememberReferral({ id: route.query.get('referral')!, specialization: route.query.get('referralSpec') ?? '' });
      return <AppointmentsPage query={route.query} />;
    case 'institution': return <InstitutionPage key={p.id} id={p.id} reschedule={route.query.get('reschedule')} />;
    case 'specialist': return <SpecialistPage key={p.id} id={p.id} reschedule={route.query.get('reschedule')} />;
    case 'booking': return <BookingPage key={p.id} id={p.id} />;
    case 'journal': return <JournalPage />;
    case 'waitlist': return <WaitlistPage />;
    case 'applications': return <ApplicationsPage />;
    case 'applicationNew': return <NewApplicationPage key={p.code} code={p.code} />;
    case 'application': return <ApplicationPage key={p.id} id={p.id} />;
    case 'profile': return <ProfilePage />;
    case 'family': return <FamilyPage />;
    case 'person': return <PersonPage key={p.id} id={p.id} />;
    case 'documentNew': return <DocumentForm key="new" subject={route.query.get('subject') ?? ''} />;
    case 'shared': return <SharedPage />;
    case 'visits': return <StaffVisitsPage />;
    case 'dashboard': return <DashboardRoute query={route.query} />;
    default:
      return (
        <div>
          <h1>{t('err.notFound')}</h1>
          <p><a href="#/documents">{t('nav.documents')}</a></p>
        </div>
      );
  }
}

/**
 * DashboardRoute opens the dashboard for a token with a manager's scope;
 * anyone else (a citizen who typed #/dashboard) reads that there is
 * nothing to show, without the dashboard's chunk (and Chart.js) loading.
 */
function DashboardRoute({ query }: { query: URLSearchParams }) {
  if (managerScopes(useApp().session).length > 0) return <LazyDashboard query={query} />;
  return (
    <div data-testid="dashboard-page">
      <PageHeader title={t('stats.title')} />
      <p class="alert alert-warn" data-testid="stats-none">{t('stats.noScope')}</p>
    </div>
  );
}

type DashboardModule = typeof import('./Dashboard');
let dashboardModule: Promise<DashboardModule> | null = null;

/**
 * LazyDashboard loads the dashboard's chunk (the page and Chart.js) the
 * first time a manager opens it: the citizen's bundle holds neither.
 */
function LazyDashboard({ query }: { query: URLSearchParams }) {
  const [mod, setMod] = useState<DashboardModule | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  useEffect(() => {
    dashboardModule ??= import('./Dashboard');
    dashboardModule.then(setMod, (e) => { dashboardModule = null; setFailed(e); });
  }, []);
  if (failed) return <ErrorBox error={failed} />;
  if (!mod) return <Loading />;
  return <mod.DashboardPage query={query} />;
}

function StaffVisitsPage() {
  const inst = staffInstitution(useApp().session);
  if (!inst) return <p class="alert alert-warn">{t('shared.staffOnly')}</p>;
  return <VisitsPage institution={inst} />;
}

function SharedPage() {
  const inst = staffInstitution(useApp().session);
  if (!inst) return <p class="alert alert-warn">{t('shared.staffOnly')}</p>;
  return <SharedWithUsPage institution={inst} />;
}
