import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

/**
 * The supervisors' reports page at GET /reports: a static shell (HTML, one JS module,
 * one stylesheet) that signs in and reads /api/reports/* with a bearer token, so the
 * page itself holds no data and needs no authentication. Hidden from OpenAPI: it is
 * not part of the API.
 */

/**
 * Everything from this origin, nothing inline: the page's charts are SVG built through the DOM.
 * Media only from blob: URLs: a survey's voice comment needs the bearer token, so the
 * page fetches it and plays the blob (an <audio src="/api/…"> could send no token).
 */
const PAGE_CSP = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'media-src': ['blob:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
};

const ASSETS = {
  'index.html': 'text/html; charset=utf-8',
  'reports.js': 'text/javascript; charset=utf-8',
  'charts.js': 'text/javascript; charset=utf-8',
  'reports.css': 'text/css; charset=utf-8',
} as const;
type Asset = keyof typeof ASSETS;

/**
 * src/web/reports, found by walking up from this module: the same code runs from src/
 * (tsx, tests) and from dist/ (where the build must copy web/ beside it).
 */
export function findReportsFolder(from: string = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(from));
  for (;;) {
    for (const candidate of [path.join(dir, 'web', 'reports'), path.join(dir, 'src', 'web', 'reports')]) {
      if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no web/reports/index.html above ${fileURLToPath(from)}`);
    dir = parent;
  }
}

export function reportPages(folder: string = findReportsFolder()): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    // Read once at start: a handful of small files, and a missing one fails the start, not a request.
    const files = new Map<Asset, Buffer>();
    for (const name of Object.keys(ASSETS) as Asset[]) files.set(name, await readFile(path.join(folder, name)));

    const serve = (url: string, name: Asset) =>
      app.get(
        url,
        {
          schema: { hide: true },
          config: { helmet: { contentSecurityPolicy: { useDefaults: false, directives: PAGE_CSP } } },
        },
        async (_request, reply) =>
          reply.header('content-type', ASSETS[name]).header('cache-control', 'no-cache').send(files.get(name)),
      );

    serve('/reports', 'index.html');
    for (const name of Object.keys(ASSETS) as Asset[]) if (name !== 'index.html') serve(`/reports/${name}`, name);
  };
}
