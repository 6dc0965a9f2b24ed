// Sign-in: the dev token route locally, the Cognito hosted UI (authorization
// code flow with PKCE) in AWS. The bearer token is the ID token: the API
// Gateway JWT authorizer checks the app client id as audience, which only ID
// tokens carry.
import type { AppConfig, CognitoConfig } from './config';

const TOKEN_KEY = 'kabinet.token';
const PKCE_KEY = 'kabinet.pkce';
const REFRESH_KEY = 'kabinet.refresh';
/** Refresh the ID token when it has less than this left. */
export const REFRESH_MARGIN_MS = 60_000;

export interface Session {
  token: string;
  sub: string;
  exp?: number; // seconds since the epoch
  /** cognito:groups (citizen, staff, ...): what the app offers; the API decides. */
  groups?: string[];
  /** custom:institution: the institution a member of staff works at (or a manager heads). */
  institution?: string;
  /** custom:agency: the agency of a clerk or a manager. */
  agency?: string;
  /** custom:org: the organisation of an org admin or a manager. */
  org?: string;
}

/** What a manager's dashboard can show: a scope of their token (the API decides what they may read). */
export interface ManagerScope { kind: 'agency' | 'institution' | 'org'; id: string }

/** Decodes a JWT's payload without checking it (the API does that). */
export function decodeJwt(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length < 2) return null;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const pad = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
    const bin = atob(pad);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

export function sessionFromToken(token: string): Session {
  const claims = decodeJwt(token) ?? {};
  const sub = String(claims['cognito:username'] ?? claims.sub ?? '');
  const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
  const g = claims['cognito:groups'];
  const groups = Array.isArray(g) ? g.map(String) : [];
  const claim = (k: string) => { const v = claims[`custom:${k}`]; return typeof v === 'string' && v ? v : undefined; };
  return { token, sub, exp, groups, institution: claim('institution'), agency: claim('agency'), org: claim('org') };
}

export function isExpired(s: Session, nowMs = Date.now()): boolean {
  return s.exp !== undefined && s.exp * 1000 <= nowMs + 5000;
}

export function loadSession(storage: Storage = sessionStorage): Session | null {
  const token = storage.getItem(TOKEN_KEY);
  if (!token) return null;
  const s = sessionFromToken(token);
  if (isExpired(s)) {
    storage.removeItem(TOKEN_KEY);
    return null;
  }
  return s;
}

export function saveToken(token: string, storage: Storage = sessionStorage): Session {
  storage.setItem(TOKEN_KEY, token);
  return sessionFromToken(token);
}

/** Forgets the ID token and the refresh token. */
export function clearSession(storage: Storage = sessionStorage): void {
  storage.removeItem(TOKEN_KEY);
  storage.removeItem(REFRESH_KEY);
}

/** True when the token is expired or has less than marginMs left. */
export function expiresSoon(s: Session, nowMs = Date.now(), marginMs = REFRESH_MARGIN_MS): boolean {
  return s.exp !== undefined && s.exp * 1000 <= nowMs + marginMs;
}

export function loadRefreshToken(storage: Storage = sessionStorage): string | null {
  return storage.getItem(REFRESH_KEY);
}

/** POST /dev/token (local only): a token of sub in groups with the scope claims given (institution, agency, org). */
export async function devSignIn(cfg: AppConfig, sub: string, groups: string[] = ['citizen'],
  claims: { institution?: string; agency?: string; org?: string } = {}): Promise<Session> {
  const res = await fetch(`${cfg.apiBase}/dev/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ sub, groups, ...claims }),
  });
  if (!res.ok) {
    let title = `HTTP ${res.status}`;
    try {
      const p = await res.json();
      if (p && typeof p.title === 'string') title = p.title;
    } catch { /* not JSON */ }
    throw new Error(title);
  }
  const body = (await res.json()) as { token: string };
  return saveToken(body.token);
}

// ---- PKCE (RFC 7636) ----

export function base64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random string of 43–128 unreserved characters (here 64). */
export function randomVerifier(len = 64): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
  const bytes = crypto.getRandomValues(new Uint8Array(len));
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export function authorizeUrl(c: CognitoConfig, challenge: string, state: string): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: c.clientId,
    redirect_uri: c.redirectUri,
    scope: 'openid email phone profile',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  });
  // URLSearchParams writes spaces as '+', as the hosted UI expects.
  return `${c.domain}/oauth2/authorize?${q.toString()}`;
}

export function tokenRequestBody(c: CognitoConfig, code: string, verifier: string): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    client_id: c.clientId,
    redirect_uri: c.redirectUri,
    code_verifier: verifier,
  });
}

export function logoutUrl(c: CognitoConfig): string {
  const q = new URLSearchParams({ client_id: c.clientId, logout_uri: c.redirectUri });
  return `${c.domain}/logout?${q.toString()}`;
}

interface PendingLogin {
  verifier: string;
  state: string;
  returnTo: string;
}

/** Starts the hosted-UI sign-in: remembers verifier and state, returns the URL to go to. */
export async function beginCognito(c: CognitoConfig, returnTo: string, storage: Storage = sessionStorage): Promise<string> {
  const verifier = randomVerifier();
  const state = randomVerifier(32);
  const pending: PendingLogin = { verifier, state, returnTo };
  storage.setItem(PKCE_KEY, JSON.stringify(pending));
  return authorizeUrl(c, await pkceChallenge(verifier), state);
}

export class CallbackError extends Error {}

/**
 * Finishes the hosted-UI sign-in when the page was opened with ?code=&state=.
 * Returns null when the URL is not a callback, else the session and where to go.
 */
export async function completeCognito(
  c: CognitoConfig,
  search: string,
  storage: Storage = sessionStorage,
  fetchFn: typeof fetch = fetch,
): Promise<{ session: Session; returnTo: string } | null> {
  const q = new URLSearchParams(search);
  const err = q.get('error');
  if (err) throw new CallbackError(q.get('error_description') ?? err);
  const code = q.get('code');
  const state = q.get('state');
  if (!code) return null;
  const raw = storage.getItem(PKCE_KEY);
  storage.removeItem(PKCE_KEY);
  if (!raw) throw new CallbackError('no sign-in in progress');
  const pending = JSON.parse(raw) as PendingLogin;
  if (!state || state !== pending.state) throw new CallbackError('state mismatch');
  const res = await fetchFn(`${c.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: tokenRequestBody(c, code, pending.verifier).toString(),
  });
  if (!res.ok) throw new CallbackError(`token endpoint: HTTP ${res.status}`);
  const body = (await res.json()) as { id_token?: string; refresh_token?: string };
  if (!body.id_token) throw new CallbackError('no id_token in the token response');
  if (body.refresh_token) storage.setItem(REFRESH_KEY, body.refresh_token);
  else storage.removeItem(REFRESH_KEY);
  return { session: saveToken(body.id_token, storage), returnTo: pending.returnTo };
}

// ---- keeping the session: refresh and revocation (public client, no secret) ----

export function refreshRequestBody(c: CognitoConfig, refreshToken: string): URLSearchParams {
  return new URLSearchParams({ grant_type: 'refresh_token', client_id: c.clientId, refresh_token: refreshToken });
}

export function revokeRequestBody(c: CognitoConfig, refreshToken: string): URLSearchParams {
  return new URLSearchParams({ token: refreshToken, client_id: c.clientId });
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };

/**
 * Exchanges the refresh token kept from the sign-in for a new ID token at
 * {domain}/oauth2/token. Concurrent callers share one exchange. A failed
 * exchange forgets the refresh token (the session is over: sign in again).
 */
export class CognitoSession {
  private inflight: Promise<Session | null> | null = null;

  constructor(
    private c: CognitoConfig,
    private storage: Storage = sessionStorage,
    private fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /** The stored session if its token has more than the margin left, else a refreshed one (null: none). */
  async valid(nowMs = Date.now()): Promise<Session | null> {
    const token = this.storage.getItem(TOKEN_KEY);
    if (token) {
      const s = sessionFromToken(token);
      if (!expiresSoon(s, nowMs)) return s;
    }
    return this.refresh();
  }

  /**
   * After the API refused `usedToken` (401): a token refreshed meanwhile by
   * another call is used as it is; otherwise the refresh token is exchanged.
   */
  async afterUnauthorized(usedToken: string | null, nowMs = Date.now()): Promise<Session | null> {
    const token = this.storage.getItem(TOKEN_KEY);
    if (token && token !== usedToken) {
      const s = sessionFromToken(token);
      if (!isExpired(s, nowMs)) return s;
    }
    return this.refresh();
  }

  /** One exchange at a time; null when there is no refresh token or the exchange fails. */
  refresh(): Promise<Session | null> {
    if (!this.inflight) {
      this.inflight = this.exchange().finally(() => { this.inflight = null; });
    }
    return this.inflight;
  }

  private async exchange(): Promise<Session | null> {
    const rt = this.storage.getItem(REFRESH_KEY);
    if (!rt) return null;
    try {
      const res = await this.fetchFn(`${this.c.domain}/oauth2/token`, {
        method: 'POST',
        headers: FORM,
        body: refreshRequestBody(this.c, rt).toString(),
      });
      if (!res.ok) throw new Error(`token endpoint: HTTP ${res.status}`);
      const body = (await res.json()) as { id_token?: string; refresh_token?: string };
      if (!body.id_token) throw new Error('no id_token in the token response');
      // Cognito keeps the refresh token unless rotation is on; then it sends a new one.
      if (body.refresh_token) this.storage.setItem(REFRESH_KEY, body.refresh_token);
      return saveToken(body.id_token, this.storage);
    } catch {
      this.storage.removeItem(REFRESH_KEY);
      this.storage.removeItem(TOKEN_KEY);
      return null;
    }
  }
}

/**
 * Revokes a refresh token at {domain}/oauth2/revoke, best effort: errors and
 * a slow endpoint (timeoutMs) are ignored, sign-out goes on regardless.
 */
export async function revokeCognito(
  c: CognitoConfig,
  refreshToken: string | null,
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
  timeoutMs = 3000,
): Promise<boolean> {
  if (!refreshToken) return false;
  const ctl = typeof AbortController === 'function' ? new AbortController() : null;
  const timer = ctl ? setTimeout(() => ctl.abort(), timeoutMs) : null;
  try {
    const res = await fetchFn(`${c.domain}/oauth2/revoke`, {
      method: 'POST',
      headers: FORM,
      body: revokeRequestBody(c, refreshToken).toString(),
      signal: ctl?.signal,
    });
    return res.ok;
  } catch {
    return false;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Staff of an institution: may see what people shared with it. */
export function staffInstitution(s: Session | null): string | null {
  return s && s.groups?.includes('staff') && s.institution ? s.institution : null;
}

/** The scopes a manager's token carries (group manager with custom:agency, custom:institution or custom:org), in that order; none for anyone else. */
export function managerScopes(s: Session | null): ManagerScope[] {
  if (!s || !s.groups?.includes('manager')) return [];
  const out: ManagerScope[] = [];
  if (s.agency) out.push({ kind: 'agency', id: s.agency });
  if (s.institution) out.push({ kind: 'institution', id: s.institution });
  if (s.org) out.push({ kind: 'org', id: s.org });
  return out;
}
