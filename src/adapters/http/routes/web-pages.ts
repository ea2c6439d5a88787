import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { TextLine } from '../input-schema.js';
import { hotlineError } from '../../../domain/errors.js';
import { allowServicePages } from '../security-headers.js';

/**
 * src/web beside src/adapters when run by tsx, dist/web beside dist/adapters after
 * `npm run build` (which copies it there: tsc emits only TypeScript).
 */
export const WEB_ROOT = new URL('../../../web/', import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** Exactly what the agent desktop loads: nothing else in the folder (tests, typings) is served. */
export const AGENT_FILES = ['index.html', 'agent.js', 'agent.css', 'format.js', 'sse.js'] as const;
/** The supervisors' wallboard; it borrows format.js and sse.js from /agent. */
export const WALLBOARD_FILES = ['index.html', 'wallboard.js', 'wallboard.css', 'board.js'] as const;

/** What the district inbox loads from its own folder; it imports format.js from /agent. */
export const DISTRICT_FILES = ['index.html', 'district.js', 'district.css', 'inbox.js'] as const;

/** The back office's case workspace; it imports format.js from /agent. */
export const CASES_FILES = ['index.html', 'cases.js', 'cases.css', 'workspace.js'] as const;

/** Hours and holidays (supervisors, admins); it imports format.js from /agent. */
export const HOURS_FILES = ['index.html', 'hours.js', 'hours.css'] as const;

/** Quality evaluation (supervisors, admins); it imports format.js from /agent. */
export const QA_FILES = ['index.html', 'qa.js', 'qa.css', 'qa-view.js'] as const;

/**
 * The knowledge base (everyone signed in reads, supervisors write); it imports format.js
 * from /agent, and the agent desk imports suggestions.js (the screen pop's articles) from here.
 */
export const KNOWLEDGE_FILES = ['index.html', 'knowledge.js', 'knowledge.css', 'articles.js', 'suggestions.js'] as const;

/** The citizens' FAQ: public, no sign-in, reads GET /api/public/faq. */
export const FAQ_FILES = ['index.html', 'faq.js', 'faq.css'] as const;

/**
 * What the pages share (the sign-in form and session, API fetch, base styles), at /shared:
 * one copy, so a fix to the sign-in or the 401 handling reaches every page. No index.html.
 */
export const SHARED_FILES = ['session.js', 'sign-in.js', 'recording.js', 'photos.js', 'base.css'] as const;

/** A page: its URL and folder name under src/web, and the files it may serve. */
export interface WebPage {
  name: string;
  files: readonly string[];
}

const PAGES: readonly WebPage[] = [
  { name: 'agent', files: AGENT_FILES },
  { name: 'district', files: DISTRICT_FILES },
  { name: 'cases', files: CASES_FILES },
  { name: 'hours', files: HOURS_FILES },
  { name: 'knowledge', files: KNOWLEDGE_FILES },
  { name: 'faq', files: FAQ_FILES },
  { name: 'qa', files: QA_FILES },
  { name: 'wallboard', files: WALLBOARD_FILES },
  { name: 'shared', files: SHARED_FILES },
];

interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
}

async function loadAsset(folder: URL, name: string): Promise<Asset> {
  const body = await readFile(new URL(name, folder));
  const extension = name.slice(name.lastIndexOf('.') + 1);
  const contentType = CONTENT_TYPES[extension];
  if (!contentType) throw new Error(`no content type for ${name}`);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, contentType, etag };
}

/**
 * The files are not fingerprinted, so browsers keep them but ask every time
 * (`no-cache`): a 304 costs one round trip, and a new release reaches every agent
 * at their next page load.
 */
function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset) {
  reply.header('cache-control', 'no-cache').header('etag', asset.etag);
  const given = request.headers['if-none-match'];
  if (given && given.split(',').some((tag) => tag.trim().replace(/^W\//, '') === asset.etag)) {
    return reply.code(304).send();
  }
  return reply.type(asset.contentType).send(asset.body);
}

const FileParams = Type.Object({ file: TextLine({ maxLength: 64 }) });

type PageScope = Parameters<FastifyPluginAsyncTypebox>[0];

/**
 * Serves `page` from its folder under `root`: its index.html at /name (when it has one)
 * and each of its files at /name/file, nothing else. Read once at start, so a missing
 * file stops the service at boot rather than failing a user mid-shift. Hidden from the
 * OpenAPI document, which describes the API, not pages. The caller's scope sets the CSP.
 */
export async function serveWebPage(app: PageScope, page: WebPage, root: URL = WEB_ROOT): Promise<void> {
  const folder = new URL(`${page.name}/`, root);
  const assets = new Map<string, Asset>();
  for (const name of page.files) assets.set(name, await loadAsset(folder, name));
  const index = assets.get('index.html');

  if (index) app.get(`/${page.name}`, { schema: { hide: true } }, async (request, reply) => sendAsset(request, reply, index));
  app.get(`/${page.name}/:file`, { schema: { hide: true, params: FileParams } }, async (request, reply) => {
    // '/shared/' has no index: the lookup below finds nothing and answers 404.
    const file = request.params.file || 'index.html';
    const asset = assets.get(file);
    if (!asset) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No such page');
    return sendAsset(request, reply, asset);
  });
}

/**
 * The service's own pages: the agent desktop at /agent, the district inbox at /district,
 * the case workspace at /cases, hours and holidays at /hours, quality evaluation at /qa,
 * the supervisors' wallboard at /wallboard, and what all three share at /shared.
 * Public: a page holds no data; everything it shows comes from the API with the user's
 * token.
 */
export function webPageRoutes(options: { root?: URL } = {}): FastifyPluginAsyncTypebox {
  return async (app) => {
    allowServicePages(app);
    for (const page of PAGES) await serveWebPage(app, page, options.root);
  };
}
