import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { allowReportsPage } from '../security-headers.js';
import { serveWebPage } from './web-pages.js';

/** Exactly what the reports page loads; it borrows format.js from /agent and session.js from /shared. */
export const REPORTS_FILES = ['index.html', 'reports.js', 'charts.js', 'report-view.js', 'reports.css'] as const;

/**
 * The supervisors' reports page at GET /reports: a static shell (HTML, two JS modules,
 * one stylesheet) that signs in and reads /api/reports/* with a bearer token, so the
 * page itself holds no data and needs no authentication. Served like the other pages
 * (web-pages.ts), under its own CSP.
 */
export function reportPages(): FastifyPluginAsyncTypebox {
  return async (app) => {
    allowReportsPage(app);
    await serveWebPage(app, { name: 'reports', files: REPORTS_FILES });
  };
}
