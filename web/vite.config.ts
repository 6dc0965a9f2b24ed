/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';

// The back end the dev and preview servers forward API calls to
// (`PORT=8080 go run ./cmd/local` by default).
const backend = process.env.KABINET_API ?? 'http://127.0.0.1:8080';

// Every top-level API path; the app itself routes with the URL's fragment.
const apiPrefixes = [
  '/document-types', '/documents', '/notifications', '/institutions', '/specialists',
  '/bookings', '/profile', '/family', '/services', '/applications', '/consents', '/organizations',
  '/agency', '/dev', '/healthz', '/openapi.yaml',
];

// Dev/preview only: the production build ships no config.json (the local
// server or the CDK stack supplies it), so it is answered here instead of
// living in public/.
function devConfig(): Plugin {
  const body = JSON.stringify({ apiBase: '', auth: 'dev' });
  const handler = (req: { url?: string }, res: import('node:http').ServerResponse, next: () => void) => {
    if (req.url?.split('?')[0] !== '/config.json') return next();
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-cache');
    res.end(body);
  };
  return {
    name: 'kabinet-dev-config',
    configureServer(server) { server.middlewares.use(handler); },
    configurePreviewServer(server) { server.middlewares.use(handler); },
  };
}

const proxy = Object.fromEntries(apiPrefixes.map((p) => [p, { target: backend, changeOrigin: false }]));

export default defineConfig({
  base: '/',
  plugins: [devConfig()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { host: '127.0.0.1', port: 5173, strictPort: false, proxy },
  preview: { host: '127.0.0.1', port: 4173, strictPort: false, proxy },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
