import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authorizeUrl, base64Url, beginCognito, CallbackError, clearSession, CognitoSession, completeCognito, decodeJwt, expiresSoon,
  isExpired, loadRefreshToken, logoutUrl, managerScopes, pkceChallenge, randomVerifier, revokeCognito, sessionFromToken, tokenRequestBody,
} from './auth';
import type { CognitoConfig } from './config';

const cognito: CognitoConfig = {
  domain: 'https://kabinet-dev.auth.eu-central-1.amazoncognito.com',
  clientId: 'abc',
  redirectUri: 'https://d123.cloudfront.net/',
};

class MemStorage implements Storage {
  private m = new Map<string, string>();
  get length() { return this.m.size; }
  clear() { this.m.clear(); }
  getItem(k: string) { return this.m.has(k) ? this.m.get(k)! : null; }
  key(i: number) { return [...this.m.keys()][i] ?? null; }
  removeItem(k: string) { this.m.delete(k); }
  setItem(k: string, v: string) { this.m.set(k, String(v)); }
}

function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => base64Url(new TextEncoder().encode(JSON.stringify(o)));
  return `${enc({ alg: 'none' })}.${enc(claims)}.sig`;
}

describe('PKCE', () => {
  it('the verifier is 43–128 unreserved characters and random', () => {
    const v = randomVerifier();
    expect(v).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(randomVerifier()).not.toBe(v);
  });
  it('the challenge is base64url(SHA-256(verifier)) without padding', async () => {
    const v = randomVerifier();
    const want = createHash('sha256').update(v).digest('base64url');
    expect(await pkceChallenge(v)).toBe(want);
    expect(await pkceChallenge(v)).not.toMatch(/[=+/]/);
  });
});

describe('hosted UI URLs', () => {
  it('authorize URL carries the code flow with PKCE and state', () => {
    const u = new URL(authorizeUrl(cognito, 'CHALLENGE', 'STATE'));
    expect(u.origin + u.pathname).toBe('https://kabinet-dev.auth.eu-central-1.amazoncognito.com/oauth2/authorize');
    expect(Object.fromEntries(u.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'abc',
      redirect_uri: 'https://d123.cloudfront.net/',
      scope: 'openid email phone profile',
      code_challenge: 'CHALLENGE',
      code_challenge_method: 'S256',
      state: 'STATE',
    });
    expect(u.search).toContain('scope=openid+email+phone+profile');
  });
  it('token request is form-encoded with the verifier', () => {
    const b = tokenRequestBody(cognito, 'CODE', 'VERIFIER');
    expect(b.toString()).toBe(
      'grant_type=authorization_code&code=CODE&client_id=abc&redirect_uri=https%3A%2F%2Fd123.cloudfront.net%2F&code_verifier=VERIFIER');
  });
  it('logout URL returns to the app', () => {
    expect(logoutUrl(cognito)).toBe(
      'https://kabinet-dev.auth.eu-central-1.amazoncognito.com/logout?client_id=abc&logout_uri=https%3A%2F%2Fd123.cloudfront.net%2F');
  });
});

describe('the callback', () => {
  it('checks state, exchanges the code and keeps the id_token', async () => {
    const storage = new MemStorage();
    const url = new URL(await beginCognito(cognito, '#/bookings', storage));
    const state = url.searchParams.get('state')!;
    const pending = JSON.parse(storage.getItem('kabinet.pkce')!);
    expect(url.searchParams.get('code_challenge')).toBe(await pkceChallenge(pending.verifier));

    const idToken = jwt({ sub: 'u-1', 'cognito:username': 'anna', exp: Math.floor(Date.now() / 1000) + 3600 });
    let sent: { url: string; init: RequestInit } | null = null;
    const fakeFetch = (async (u: string, init: RequestInit) => {
      sent = { url: u, init };
      return new Response(JSON.stringify({ id_token: idToken, access_token: 'not-this-one', refresh_token: 'RT-1', token_type: 'Bearer' }), { status: 200 });
    }) as unknown as typeof fetch;
    const done = await completeCognito(cognito, `?code=THE-CODE&state=${state}`, storage, fakeFetch);
    expect(done?.session.token).toBe(idToken);
    expect(done?.session.sub).toBe('anna');
    expect(done?.returnTo).toBe('#/bookings');
    expect(storage.getItem('kabinet.token')).toBe(idToken);
    expect(loadRefreshToken(storage)).toBe('RT-1');
    expect(storage.getItem('kabinet.pkce')).toBeNull();
    expect(sent!.url).toBe(`${cognito.domain}/oauth2/token`);
    const body = new URLSearchParams(String(sent!.init.body));
    expect(body.get('code')).toBe('THE-CODE');
    expect(body.get('code_verifier')).toBe(pending.verifier);
    expect((sent!.init.headers as Record<string, string>)['Content-Type']).toBe('application/x-www-form-urlencoded');
  });
  it('refuses a wrong state', async () => {
    const storage = new MemStorage();
    await beginCognito(cognito, '#/documents', storage);
    await expect(completeCognito(cognito, '?code=C&state=forged', storage, fetch)).rejects.toBeInstanceOf(CallbackError);
    expect(storage.getItem('kabinet.token')).toBeNull();
  });
  it('refuses a callback nobody started, and reports the hosted UI\'s error', async () => {
    await expect(completeCognito(cognito, '?code=C&state=S', new MemStorage(), fetch)).rejects.toThrow('no sign-in');
    await expect(completeCognito(cognito, '?error=access_denied&error_description=denied', new MemStorage(), fetch)).rejects.toThrow('denied');
  });
  it('is no callback without a code', async () => {
    expect(await completeCognito(cognito, '?foo=1', new MemStorage(), fetch)).toBeNull();
  });
});

describe('tokens', () => {
  it('reads the claims and the expiry', () => {
    const tok = jwt({ sub: 'alice', exp: 100 });
    expect(decodeJwt(tok)?.sub).toBe('alice');
    expect(decodeJwt('garbage')).toBeNull();
    const s = sessionFromToken(tok);
    expect(s.sub).toBe('alice');
    expect(isExpired(s, 200_000)).toBe(true);
    expect(isExpired(sessionFromToken(jwt({ sub: 'a', exp: 10_000 })), 1_000_000)).toBe(false);
  });
  it('a manager\'s scopes come from the claims, only with the group', () => {
    const head = sessionFromToken(jwt({ sub: 'head', 'cognito:groups': ['manager'], 'custom:agency': 'minzdrav', 'custom:org': 'org-1' }));
    expect(managerScopes(head)).toEqual([{ kind: 'agency', id: 'minzdrav' }, { kind: 'org', id: 'org-1' }]);
    const clerk = sessionFromToken(jwt({ sub: 'clerk', 'cognito:groups': ['staff'], 'custom:agency': 'minzdrav', 'custom:institution': 'inst-1' }));
    expect(managerScopes(clerk)).toEqual([]);
    expect(managerScopes(sessionFromToken(jwt({ sub: 'x', 'cognito:groups': ['manager'] })))).toEqual([]);
    expect(managerScopes(null)).toEqual([]);
  });
});

/** A fake token endpoint: records each request; answers with the next of `answers`. */
function fakeCognito(answers: (() => Response)[]) {
  const calls: { url: string; body: URLSearchParams; headers: Record<string, string> }[] = [];
  const f = (async (u: string, init: RequestInit) => {
    calls.push({ url: u, body: new URLSearchParams(String(init.body)), headers: init.headers as Record<string, string> });
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    return next();
  }) as unknown as typeof fetch;
  return { f, calls };
}
const nowS = () => Math.floor(Date.now() / 1000);
const ok = (body: unknown) => () => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });

describe('session refresh (cognito)', () => {
  function stored(idExp: number, refresh: string | null = 'RT-1') {
    const storage = new MemStorage();
    const old = jwt({ sub: 'u-1', 'cognito:username': 'anna', exp: idExp });
    storage.setItem('kabinet.token', old);
    if (refresh) storage.setItem('kabinet.refresh', refresh);
    return { storage, old };
  }

  it('knows a token about to expire', () => {
    const s = sessionFromToken(jwt({ sub: 'a', exp: 1000 }));
    expect(expiresSoon(s, 1000_000 - 120_000)).toBe(false);
    expect(expiresSoon(s, 1000_000 - 30_000)).toBe(true);
    expect(expiresSoon(sessionFromToken(jwt({ sub: 'a' })), 0)).toBe(false);
  });

  it('keeps a token with time left, without a request', async () => {
    const { storage, old } = stored(nowS() + 3600);
    const { f, calls } = fakeCognito([]);
    const s = await new CognitoSession(cognito, storage, f).valid();
    expect(s?.token).toBe(old);
    expect(calls).toHaveLength(0);
  });

  it('exchanges the refresh token (form-encoded, no secret) when the ID token is about to expire', async () => {
    const { storage } = stored(nowS() + 30);
    const fresh = jwt({ sub: 'u-1', 'cognito:username': 'anna', exp: nowS() + 3600 });
    const { f, calls } = fakeCognito([ok({ id_token: fresh, access_token: 'x', token_type: 'Bearer', expires_in: 3600 })]);
    const s = await new CognitoSession(cognito, storage, f).valid();
    expect(s?.token).toBe(fresh);
    expect(s?.sub).toBe('anna');
    expect(storage.getItem('kabinet.token')).toBe(fresh);
    expect(loadRefreshToken(storage)).toBe('RT-1'); // no rotation: the old one stays
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(`${cognito.domain}/oauth2/token`);
    expect(calls[0].headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(calls[0].body.toString()).toBe('grant_type=refresh_token&client_id=abc&refresh_token=RT-1');
    expect(calls[0].body.has('client_secret')).toBe(false);
  });

  it('keeps a rotated refresh token', async () => {
    const { storage } = stored(nowS() - 10);
    const fresh = jwt({ sub: 'u-1', exp: nowS() + 3600 });
    const { f } = fakeCognito([ok({ id_token: fresh, refresh_token: 'RT-2' })]);
    expect((await new CognitoSession(cognito, storage, f).valid())?.token).toBe(fresh);
    expect(loadRefreshToken(storage)).toBe('RT-2');
  });

  it('concurrent callers share one exchange', async () => {
    const { storage } = stored(nowS() - 10);
    const fresh = jwt({ sub: 'u-1', exp: nowS() + 3600 });
    const { f, calls } = fakeCognito([ok({ id_token: fresh })]);
    const cs = new CognitoSession(cognito, storage, f);
    const [a, b, c] = await Promise.all([cs.valid(), cs.refresh(), cs.afterUnauthorized('old')]);
    expect([a?.token, b?.token, c?.token]).toEqual([fresh, fresh, fresh]);
    expect(calls).toHaveLength(1);
  });

  it('after a 401, uses a token another call refreshed meanwhile, else exchanges', async () => {
    const { storage, old } = stored(nowS() + 3600);
    const fresh = jwt({ sub: 'u-1', exp: nowS() + 3600, n: 2 });
    const { f, calls } = fakeCognito([ok({ id_token: fresh })]);
    const cs = new CognitoSession(cognito, storage, f);
    // The API refused the current token (e.g. revoked): exchange.
    expect((await cs.afterUnauthorized(old))?.token).toBe(fresh);
    // A call that was sent with the old token meanwhile gets the new one without a second exchange.
    expect((await cs.afterUnauthorized(old))?.token).toBe(fresh);
    expect(calls).toHaveLength(1);
  });

  it('a refused refresh ends the session; without a refresh token there is no request', async () => {
    const { storage } = stored(nowS() - 10);
    const { f, calls } = fakeCognito([() => new Response('{"error":"invalid_grant"}', { status: 400 })]);
    const cs = new CognitoSession(cognito, storage, f);
    expect(await cs.valid()).toBeNull();
    expect(loadRefreshToken(storage)).toBeNull();
    expect(storage.getItem('kabinet.token')).toBeNull();
    expect(await cs.refresh()).toBeNull();
    expect(calls).toHaveLength(1);
  });

  it('a network failure or an answer without id_token also fails the refresh', async () => {
    for (const answer of [() => { throw new TypeError('Failed to fetch'); }, ok({ access_token: 'x' })]) {
      const { storage } = stored(nowS() - 10);
      const { f } = fakeCognito([answer]);
      expect(await new CognitoSession(cognito, storage, f).refresh()).toBeNull();
    }
  });

  it('sign-out revokes the refresh token, best effort', async () => {
    const { f, calls } = fakeCognito([() => new Response('', { status: 200 })]);
    expect(await revokeCognito(cognito, 'RT-1', f)).toBe(true);
    expect(calls[0].url).toBe(`${cognito.domain}/oauth2/revoke`);
    expect(calls[0].headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(calls[0].body)).toEqual({ token: 'RT-1', client_id: 'abc' });
    // Errors do not stop the sign-out, and with no refresh token nothing is sent.
    const failing = fakeCognito([() => { throw new TypeError('Failed to fetch'); }]);
    expect(await revokeCognito(cognito, 'RT-1', failing.f)).toBe(false);
    const none = fakeCognito([]);
    expect(await revokeCognito(cognito, null, none.f)).toBe(false);
    expect(none.calls).toHaveLength(0);
  });

  it('a slow revocation endpoint does not hold up the sign-out', async () => {
    const hang = ((_u: string, init: RequestInit) => new Promise<Response>((_, reject) => {
      init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    })) as unknown as typeof fetch;
    expect(await revokeCognito(cognito, 'RT-1', hang, 20)).toBe(false);
  });

  it('clearing the session forgets both tokens', () => {
    const { storage } = stored(nowS() + 3600);
    clearSession(storage);
    expect(storage.getItem('kabinet.token')).toBeNull();
    expect(loadRefreshToken(storage)).toBeNull();
  });
});
