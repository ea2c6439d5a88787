import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Per-route helmet options: @fastify/helmet reads them from the route config at each request. */
    helmet?: Omit<FastifyHelmetOptions, 'global'>;
  }
}

/**
 * The API only ever answers JSON and audio, which a browser never needs to run or style,
 * so its policy allows nothing at all: a response rendered as a page by mistake
 * (a sniffed error body, a framed URL) can load no script, style or frame.
 */
const API_CSP = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * What the swagger-ui page at /docs loads, read from the HTML it serves: its own CSS,
 * scripts and favicons under /docs/static (no inline <script>; swagger-ui's csp.json has
 * no hashes to allow), the OpenAPI document and "try it out" calls by fetch to this
 * origin, and `data:` images its CSS embeds (icons as SVG/PNG data URLs).
 * Inline styles stay allowed because swagger-ui renders markdown descriptions that may
 * carry style attributes; scripts stay 'self' only.
 * No `upgrade-insecure-requests` (unlike helmet's defaults): the service itself speaks
 * plain HTTP (127.0.0.1:3000), and upgrading /docs/static/* to https would break the page.
 */
const DOCS_CSP = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

/**
 * The citizens' web form: its own script, style sheet and fetch to this origin, nothing
 * inline and nothing from elsewhere. No form-action beyond 'self' (the script posts with
 * fetch; a form submitted without it stays on this origin). No upgrade-insecure-requests,
 * for the same reason as /docs.
 */
const REPORT_PAGE_CSP = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  // data: only for the empty favicon, which spares browsers a request for /favicon.ico.
  'img-src': ["'self'", 'data:'],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
};

/**
 * The service's own pages (the agent desktop): scripts and styles from files on this
 * origin only, no inline script or style (the pages need none), fetch and the event
 * stream to this origin. `form-action 'none'`: forms are sent by script, so a page
 * whose script failed cannot post a password anywhere, not even as a GET to itself.
 */
const PAGE_CSP = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  // A case's photos need the bearer token too: fetched, and shown from blob: URLs.
  'img-src': ["'self'", 'blob:'],
  // A case's recording needs the bearer token: the page fetches it and plays a blob: URL.
  'media-src': ['blob:'],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
};

/**
 * The supervisors' reports at /reports (not the citizens' form at /report): everything
 * from this origin, nothing inline (the charts are SVG built through the DOM).
 * Media only from blob: URLs: a survey's voice comment needs the bearer token, so the
 * page fetches it and plays the blob (an <audio src="/api/…"> could send no token).
 */
const REPORTS_CSP = {
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

/** Helmet's headers on every response, with the strict API policy unless a route says otherwise. */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
    // Agrees with frame-ancestors 'none' for browsers that only know X-Frame-Options.
    frameguard: { action: 'deny' },
  });
}

/**
 * Gives every route registered later in `scope` (and its children) the docs page policy.
 * Set through route config, which @fastify/helmet reads per request, so every other
 * helmet header stays as configured globally.
 */
export function allowDocsPage(scope: FastifyInstance): void {
  usePolicy(scope, DOCS_CSP);
}

/** Like allowDocsPage, for the citizens' web form and its assets. */
export function allowReportPage(scope: FastifyInstance): void {
  usePolicy(scope, REPORT_PAGE_CSP);
}

/** Like allowDocsPage, for the supervisors' reports page and its assets. */
export function allowReportsPage(scope: FastifyInstance): void {
  usePolicy(scope, REPORTS_CSP);
}

function usePolicy(scope: FastifyInstance, directives: Record<string, string[]>): void {
  scope.addHook('onRoute', (route) => {
    route.config = {
      ...route.config,
      helmet: { contentSecurityPolicy: { useDefaults: false, directives } },
    };
  });
}

/** Gives every route registered later in `scope` the policy of the service's own pages. */
export function allowServicePages(scope: FastifyInstance): void {
  usePolicy(scope, PAGE_CSP);
}

/**
 * For Open311: civic apps on other origins show its documents and photos, so the
 * resources may be embedded cross-origin (CORS itself is the Open311 scope's allow-list).
 */
export function allowCrossOriginResources(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.config = {
      ...route.config,
      helmet: {
        contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
        crossOriginResourcePolicy: { policy: 'cross-origin' },
      },
    };
  });
}
