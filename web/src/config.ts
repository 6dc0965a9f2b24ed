// The run-time configuration the server (locally cmd/local, in AWS the CDK
// stack) puts next to the app as /config.json.

export interface CognitoConfig {
  domain: string;
  clientId: string;
  redirectUri: string;
}

export interface AppConfig {
  apiBase: string;
  auth: 'dev' | 'cognito';
  cognito?: CognitoConfig;
}

export function parseConfig(raw: unknown): AppConfig {
  if (!raw || typeof raw !== 'object') throw new Error('config.json: not an object');
  const r = raw as Record<string, unknown>;
  const apiBase = typeof r.apiBase === 'string' ? r.apiBase.replace(/\/+$/, '') : '';
  const auth = r.auth === 'cognito' ? 'cognito' : r.auth === 'dev' ? 'dev' : null;
  if (!auth) throw new Error('config.json: auth must be "dev" or "cognito"');
  const cfg: AppConfig = { apiBase, auth };
  if (auth === 'cognito') {
    const c = r.cognito as Record<string, unknown> | undefined;
    if (!c || typeof c.domain !== 'string' || typeof c.clientId !== 'string' || typeof c.redirectUri !== 'string') {
      throw new Error('config.json: cognito needs domain, clientId and redirectUri');
    }
    cfg.cognito = { domain: c.domain.replace(/\/+$/, ''), clientId: c.clientId, redirectUri: c.redirectUri };
  }
  return cfg;
}

export async function loadConfig(): Promise<AppConfig> {
  const res = await fetch('config.json', { cache: 'no-cache', headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  return parseConfig(await res.json());
}
