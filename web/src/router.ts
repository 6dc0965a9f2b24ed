// Hash routing: the API owns every path of the origin, so the app's routes
// live in the fragment (/#/documents).

export interface Route {
  name: string;
  params: Record<string, string>;
  query: URLSearchParams;
}

const table: [string, RegExp][] = [
  ['signin', /^\/signin$/],
  ['documents', /^\/documents$/],
  ['documentNew', /^\/documents\/new$/],
  ['documentEdit', /^\/documents\/(?<id>[^/]+)\/edit$/],
  ['document', /^\/documents\/(?<id>[^/]+)$/],
  ['notifications', /^\/notifications$/],
  ['appointments', /^\/appointments$/],
  ['institution', /^\/appointments\/institutions\/(?<id>[^/]+)$/],
  ['specialist', /^\/appointments\/specialists\/(?<id>[^/]+)$/],
  ['booking', /^\/bookings\/(?<id>[^/]+)$/],
  ['journal', /^\/journal$/],
  ['waitlist', /^\/waitlist$/],
  ['applications', /^\/applications$/],
  ['applicationNew', /^\/applications\/new\/(?<code>[^/]+)$/],
  ['application', /^\/applications\/(?<id>[^/]+)$/],
  ['profile', /^\/profile$/],
  ['family', /^\/family$/],
  ['person', /^\/family\/(?<id>[^/]+)$/],
  ['shared', /^\/shared$/],
  ['visits', /^\/visits$/],
  ['dashboard', /^\/dashboard$/],
];

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '') || '/documents';
  const [path, qs] = h.split('?', 2);
  for (const [name, re] of table) {
    const m = re.exec(path);
    if (m) {
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
      return { name, params, query: new URLSearchParams(qs ?? '') };
    }
  }
  return { name: 'notFound', params: {}, query: new URLSearchParams(qs ?? '') };
}

export function href(path: string, q?: Record<string, string | undefined>): string {
  let s = `#${path}`;
  if (q) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v) p.set(k, v);
    const qs = p.toString();
    if (qs) s += `?${qs}`;
  }
  return s;
}

export function navigate(path: string, q?: Record<string, string | undefined>, replace = false): void {
  const target = href(path, q);
  if (replace) {
    history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = target.slice(1);
  }
}
