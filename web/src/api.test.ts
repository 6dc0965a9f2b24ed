import { afterEach, describe, expect, it, vi } from 'vitest';
import { Api, ApiError, filenameFrom, NetworkError, parseProblem, query } from './api';
import { fieldText } from './messages';

function problem(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json', ...headers } });
}

afterEach(() => { vi.unstubAllGlobals(); });

function client(lang: 'ru' | 'en' = 'ru') {
  const hooks = { token: () => 'TOKEN', lang: () => lang, onUnauthorized: vi.fn(), onUnavailable: vi.fn() };
  return { api: new Api({ apiBase: 'https://api.example', auth: 'dev' }, hooks), hooks };
}

describe('problem+json', () => {
  it('reads title and field errors', async () => {
    const e = await parseProblem(problem(422, {
      type: 'https://kabinet.dev/problems/validation', title: 'Запрос нарушает правила', status: 422,
      errors: [{ field: 'number', code: 'invalid_number', message: 'неверный номер' }, { field: 'number', code: 'x', message: 'second' }],
    }, { 'X-Request-Id': 'r1' }));
    expect(e).toBeInstanceOf(ApiError);
    expect(e.title).toBe('Запрос нарушает правила');
    expect(e.fieldErrors()).toEqual({ number: 'неверный номер' });
    expect(e.requestId).toBe('r1');
  });
  it('shows the server\'s message as it is; only a message left out is filled from the code', async () => {
    const e = await parseProblem(problem(422, {
      type: 'https://kabinet.dev/problems/validation', title: 'Запрос нарушает правила', status: 422,
      errors: [{ field: 'phone', code: 'invalid_phone', message: 'как сервер сказал' }, { field: 'email', code: 'invalid_email', message: '' }],
    }));
    expect(e.fieldErrors()).toEqual({ phone: 'как сервер сказал', email: fieldText('invalid_email') });
  });
  it('survives a body that is not JSON', async () => {
    const e = await parseProblem(new Response('oops', { status: 502, statusText: 'Bad Gateway' }));
    expect(e.status).toBe(502);
    expect(e.title).toBe('Bad Gateway');
  });
});

describe('Api', () => {
  it('sends the token, the language, If-Match and Idempotency-Key', async () => {
    const f = vi.fn(async () => new Response(JSON.stringify({ id: 'd1', version: 2 }), { status: 200, headers: { ETag: '"2"' } }));
    vi.stubGlobal('fetch', f);
    const { api } = client('en');
    const r = await api.updateDocument('d1', { title: 'x' }, '"1"');
    expect(r.etag).toBe('"2"');
    const [url, init] = f.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('https://api.example/documents/d1');
    expect(init.method).toBe('PATCH');
    const h = init.headers as Record<string, string>;
    expect(h.Authorization).toBe('Bearer TOKEN');
    expect(h['Accept-Language']).toBe('en');
    expect(h['If-Match']).toBe('"1"');
    expect(h['Content-Type']).toBe('application/json');

    await api.createDocument({ type: 'snils' }, 'KEY-1');
    expect(((f.mock.calls[1] as unknown as [string, RequestInit])[1].headers as Record<string, string>)['Idempotency-Key']).toBe('KEY-1');
  });
  it('401 signs out, 503 says try later', async () => {
    const { api, hooks } = client();
    vi.stubGlobal('fetch', vi.fn(async () => problem(401, { type: 't', title: 'Unauthorized', status: 401 })));
    await expect(api.documents()).rejects.toMatchObject({ status: 401 });
    expect(hooks.onUnauthorized).toHaveBeenCalledOnce();
    vi.stubGlobal('fetch', vi.fn(async () => problem(503, { type: 't', title: 'Unavailable', status: 503 }, { 'Retry-After': '5' })));
    await expect(api.documents()).rejects.toMatchObject({ status: 503, retryAfter: 5 });
    expect(hooks.onUnavailable).toHaveBeenCalledOnce();
  });
  it('API Gateway\'s own answers: the authorizer\'s 401 signs out, throttling\'s 429 says try later', async () => {
    const gateway = (status: number, message: string) =>
      new Response(JSON.stringify({ message }), { status, headers: { 'Content-Type': 'application/json' } });
    const { api, hooks } = client();
    vi.stubGlobal('fetch', vi.fn(async () => gateway(401, 'Unauthorized')));
    await expect(api.documents()).rejects.toMatchObject({ status: 401 });
    expect(hooks.onUnauthorized).toHaveBeenCalledOnce();
    vi.stubGlobal('fetch', vi.fn(async () => gateway(429, 'Too Many Requests')));
    await expect(api.documents()).rejects.toMatchObject({ status: 429 });
    expect(hooks.onUnavailable).toHaveBeenCalledOnce();
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 429 })));
    await expect(api.documents()).rejects.toMatchObject({ status: 429 });
    expect(hooks.onUnavailable).toHaveBeenCalledTimes(2);
  });
  it('cognito: refreshes an expiring token before the call', async () => {
    const f = vi.fn(async () => new Response(JSON.stringify({ items: [] }), { status: 200 }));
    vi.stubGlobal('fetch', f);
    const hooks = { token: () => 'OLD', validToken: vi.fn(async () => 'NEW'), refreshAfter401: vi.fn(), lang: () => 'ru' as const, onUnauthorized: vi.fn(), onUnavailable: vi.fn() };
    await new Api({ apiBase: '', auth: 'cognito' }, hooks).documents();
    expect(((f.mock.calls[0] as unknown as [string, RequestInit])[1].headers as Record<string, string>).Authorization).toBe('Bearer NEW');
    expect(hooks.refreshAfter401).not.toHaveBeenCalled();
  });
  it('cognito: a 401 refreshes once and retries the same request once', async () => {
    const answers = [problem(401, { title: 'Unauthorized', status: 401 }), new Response(JSON.stringify({ id: 'd1' }), { status: 201 })];
    const f = vi.fn(async () => answers.shift()!);
    vi.stubGlobal('fetch', f);
    const hooks = { token: () => 'OLD', refreshAfter401: vi.fn(async () => 'NEW'), lang: () => 'ru' as const, onUnauthorized: vi.fn(), onUnavailable: vi.fn() };
    const d = await new Api({ apiBase: '', auth: 'cognito' }, hooks).createDocument({ type: 'snils' }, 'KEY-1');
    expect(d).toEqual({ id: 'd1' });
    expect(hooks.refreshAfter401).toHaveBeenCalledExactlyOnceWith('OLD');
    expect(f).toHaveBeenCalledTimes(2);
    const [first, second] = f.mock.calls as unknown as [string, RequestInit][];
    expect((first[1].headers as Record<string, string>).Authorization).toBe('Bearer OLD');
    const h2 = second[1].headers as Record<string, string>;
    expect(h2.Authorization).toBe('Bearer NEW');
    expect(h2['Idempotency-Key']).toBe('KEY-1'); // the same request: no duplicate on the server
    expect(second[1].body).toBe(first[1].body);
    expect(hooks.onUnauthorized).not.toHaveBeenCalled();
  });
  it('cognito: a second 401, or a failed refresh, goes to sign-in', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => problem(401, { title: 'Unauthorized', status: 401 })));
    const again = { token: () => 'OLD', refreshAfter401: vi.fn(async () => 'NEW'), lang: () => 'ru' as const, onUnauthorized: vi.fn(), onUnavailable: vi.fn() };
    await expect(new Api({ apiBase: '', auth: 'cognito' }, again).documents()).rejects.toMatchObject({ status: 401 });
    expect(again.refreshAfter401).toHaveBeenCalledOnce();
    expect(again.onUnauthorized).toHaveBeenCalledOnce();
    const f = vi.fn(async () => problem(401, { title: 'Unauthorized', status: 401 }));
    vi.stubGlobal('fetch', f);
    const failed = { token: () => 'OLD', refreshAfter401: vi.fn(async () => null), lang: () => 'ru' as const, onUnauthorized: vi.fn(), onUnavailable: vi.fn() };
    await expect(new Api({ apiBase: '', auth: 'cognito' }, failed).documents()).rejects.toMatchObject({ status: 401 });
    expect(f).toHaveBeenCalledOnce();
    expect(failed.onUnauthorized).toHaveBeenCalledOnce();
  });
  it('a network failure is a NetworkError', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    await expect(client().api.documents()).rejects.toBeInstanceOf(NetworkError);
  });
  it('builds journal and CSV queries without empty filters', () => {
    const { api } = client();
    expect(api.exportPath({ status: 'cancelled', from: '', to: '2026-12-01', institution: '' }))
      .toBe('/bookings/export.csv?status=cancelled&to=2026-12-01');
  });
});

describe('helpers', () => {
  it('query drops empty values', () => {
    expect(query({ a: '1', b: '', c: undefined, d: 0, e: false })).toBe('?a=1&d=0&e=false');
    expect(query({})).toBe('');
  });
  it('file names from Content-Disposition', () => {
    expect(filenameFrom('attachment; filename="visits.csv"')).toBe('visits.csv');
    expect(filenameFrom("attachment; filename*=UTF-8''%D0%B7%D0%B0%D0%BF%D0%B8%D1%81%D1%8C.pdf")).toBe('запись.pdf');
    expect(filenameFrom(null)).toBeNull();
  });
});
