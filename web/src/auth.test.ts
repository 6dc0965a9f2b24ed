import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authorizeUrl, base64Url, beginCognito, CallbackError, completeCognito, decodeJwt, isExpired, logoutUrl, pkceChallenge,
  randomVerifier, sessionFromToken, tokenRequestBody,
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
      return new Response(JSON.stringify({ id_token: idToken, access_token: 'not-this-one', token_type: 'Bearer' }), { status: 200 });
    }) as unknown as typeof fetch;
    const done = await completeCognito(cognito, `?code=THE-CODE&state=${state}`, storage, fakeFetch);
    expect(done?.session.token).toBe(idToken);
    expect(done?.session.sub).toBe('anna');
    expect(done?.returnTo).toBe('#/bookings');
    expect(storage.getItem('kabinet.token')).toBe(idToken);
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
});
