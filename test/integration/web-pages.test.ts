import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_FILES, DISTRICT_FILES, QA_FILES, SHARED_FILES, WALLBOARD_FILES } from '../../src/adapters/http/routes/web-pages.js';
import { openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

let backend: HttpBackend;
let app: FastifyInstance;

beforeAll(async () => {
  backend = await openHttpBackend();
  ({ app } = await startHttpApp(backend));
});
afterAll(async () => {
  await app?.close();
  await backend?.close();
});

function directives(csp: string | undefined): Map<string, string> {
  return new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0]!, d.slice(d.indexOf(' ') + 1)]),
  );
}

describe('the agent desktop page', () => {
  it('serves the page in Persian, right to left, without a token', async () => {
    const res = await app.inject({ method: 'GET', url: '/agent' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<html lang="fa" dir="rtl">');
    expect(res.body).toBe(await readFile(new URL('../../src/web/agent/index.html', import.meta.url), 'utf8'));
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('lets the page load its own scripts and styles and nothing inline or foreign', async () => {
    const res = await app.inject({ method: 'GET', url: '/agent' });
    const csp = directives(res.headers['content-security-policy'] as string);
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('style-src')).toBe("'self'");
    expect(csp.get('connect-src')).toBe("'self'");
    expect(csp.get('form-action')).toBe("'none'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    // The page really has nothing inline that this policy would block.
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(res.body).not.toMatch(/https?:\/\//);
  });

  it('keeps the strict API policy on the API', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(directives(res.headers['content-security-policy'] as string).get('default-src')).toBe("'none'");
    expect(directives(res.headers['content-security-policy'] as string).has('script-src')).toBe(false);
  });

  it.each([
    ['agent.js', 'text/javascript; charset=utf-8'],
    ['format.js', 'text/javascript; charset=utf-8'],
    ['sse.js', 'text/javascript; charset=utf-8'],
    ['agent.css', 'text/css; charset=utf-8'],
    ['index.html', 'text/html; charset=utf-8'],
  ])('serves %s as %s', async (file, type) => {
    const res = await app.inject({ method: 'GET', url: `/agent/${file}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body).toBe(await readFile(new URL(`../../src/web/agent/${file}`, import.meta.url), 'utf8'));
  });

  it('serves every file the page references, and only known files', async () => {
    const page = (await app.inject({ method: 'GET', url: '/agent' })).body;
    const script = (await app.inject({ method: 'GET', url: '/agent/agent.js' })).body;
    const referenced = [
      ...[...page.matchAll(/(?:src|href)="\/agent\/([^"]+)"/g)].map((m) => m[1]!),
      ...[...script.matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1]!),
    ];
    expect(referenced).toEqual(expect.arrayContaining(['agent.css', 'agent.js', 'format.js', 'sse.js']));
    for (const file of referenced) expect(AGENT_FILES, file).toContain(file);

    for (const url of ['/agent/format.test.ts', '/agent/format.d.ts', '/agent/..%2F..%2Fconfig.ts', '/agent/%2e%2e', '/agent/nope.js']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('HOTLINE_ERR_NOT_FOUND');
    }
  });

  it('serves the wallboard with every file it references (its own, and format.js and sse.js from /agent)', async () => {
    const page = await app.inject({ method: 'GET', url: '/wallboard' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(directives(page.headers['content-security-policy'] as string).get('script-src')).toBe("'self'");
    const scripts = await Promise.all(
      ['wallboard.js', 'board.js'].map(async (f) => (await app.inject({ method: 'GET', url: `/wallboard/${f}` })).body),
    );
    const own = [...page.body.matchAll(/(?:src|href)="\/wallboard\/([^"]+)"/g)].map((m) => m[1]!);
    const imported = scripts.flatMap((s) => [...s.matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1]!));
    const borrowed = scripts.flatMap((s) => [...s.matchAll(/from '\.\.\/agent\/([^']+)'/g)].map((m) => m[1]!));
    expect(own).toEqual(expect.arrayContaining(['wallboard.css', 'wallboard.js']));
    expect(imported).toContain('board.js');
    expect(borrowed).toEqual(expect.arrayContaining(['format.js', 'sse.js']));
    for (const file of [...own, ...imported]) expect(WALLBOARD_FILES, file).toContain(file);
    for (const file of borrowed) expect(AGENT_FILES, file).toContain(file);
    expect((await app.inject({ method: 'GET', url: '/wallboard/board.test.ts' })).statusCode).toBe(404);
  });

  it('serves the QA page with every file it and the agent desk take from /qa', async () => {
    const page = await app.inject({ method: 'GET', url: '/qa' });
    expect(page.statusCode).toBe(200);
    expect(directives(page.headers['content-security-policy'] as string).get('script-src')).toBe("'self'");
    const scripts = await Promise.all(['qa.js', 'qa-view.js'].map(async (f) => (await app.inject({ method: 'GET', url: `/qa/${f}` })).body));
    const own = [...page.body.matchAll(/(?:src|href)="\/qa\/([^"]+)"/g)].map((m) => m[1]!);
    const imported = scripts.flatMap((s) => [...s.matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1]!));
    const borrowed = scripts.flatMap((s) => [...s.matchAll(/from '\.\.\/agent\/([^']+)'/g)].map((m) => m[1]!));
    const agentScript = (await app.inject({ method: 'GET', url: '/agent/agent.js' })).body;
    const lent = [...agentScript.matchAll(/from '\.\.\/qa\/([^']+)'/g)].map((m) => m[1]!);
    expect(own).toEqual(expect.arrayContaining(['qa.css', 'qa.js']));
    expect(imported).toContain('qa-view.js');
    expect(lent).toEqual(['qa-view.js']);
    for (const file of [...own, ...imported, ...lent]) expect(QA_FILES, file).toContain(file);
    for (const file of borrowed) expect(AGENT_FILES, file).toContain(file);
    expect((await app.inject({ method: 'GET', url: '/qa/qa-view.test.ts' })).statusCode).toBe(404);
  });

  it('answers 304 to a browser that already has the file', async () => {
    const first = await app.inject({ method: 'GET', url: '/agent/agent.js' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await app.inject({ method: 'GET', url: '/agent/agent.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const changed = await app.inject({ method: 'GET', url: '/agent/agent.js', headers: { 'if-none-match': '"something-else"' } });
    expect(changed.statusCode).toBe(200);
    const otherFile = await app.inject({ method: 'GET', url: '/agent/agent.css', headers: { 'if-none-match': etag } });
    expect(otherFile.statusCode).toBe(200);
  });

  it('is not part of the API documentation', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/agent'))).toEqual([]);
  });
});

describe('the district inbox page', () => {
  it('serves the page in Persian, right to left, without a token, under the pages policy', async () => {
    const res = await app.inject({ method: 'GET', url: '/district' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<html lang="fa" dir="rtl">');
    expect(res.body).toBe(await readFile(new URL('../../src/web/district/index.html', import.meta.url), 'utf8'));
    expect(res.headers['cache-control']).toBe('no-cache');
    const csp = directives(res.headers['content-security-policy'] as string);
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('style-src')).toBe("'self'");
    expect(csp.get('form-action')).toBe("'none'");
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(res.body).not.toMatch(/https?:\/\//);
  });

  it.each([
    ['district.js', 'text/javascript; charset=utf-8'],
    ['inbox.js', 'text/javascript; charset=utf-8'],
    ['district.css', 'text/css; charset=utf-8'],
    ['index.html', 'text/html; charset=utf-8'],
  ])('serves %s as %s', async (file, type) => {
    const res = await app.inject({ method: 'GET', url: `/district/${file}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.body).toBe(await readFile(new URL(`../../src/web/district/${file}`, import.meta.url), 'utf8'));
  });

  it('serves every file the page and its modules reference, and only known files', async () => {
    const page = (await app.inject({ method: 'GET', url: '/district' })).body;
    const modules = await Promise.all(
      ['district.js', 'inbox.js'].map(async (f) => (await app.inject({ method: 'GET', url: `/district/${f}` })).body),
    );
    const own = [...page.matchAll(/(?:src|href)="\/district\/([^"]+)"/g)].map((m) => m[1]!);
    const imports = modules.flatMap((m) => [...m.matchAll(/from '(\.\.?\/[^']+)'/g)].map((i) => i[1]!));
    expect(own).toEqual(expect.arrayContaining(['district.css', 'district.js']));
    expect(imports).toEqual(expect.arrayContaining(['./inbox.js', '../agent/format.js']));
    for (const file of own) expect(DISTRICT_FILES, file).toContain(file);
    // The browser resolves each import against /district/; every one must be served.
    for (const specifier of imports) {
      const url = new URL(specifier, 'http://host/district/').pathname;
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toBe('text/javascript; charset=utf-8');
    }

    for (const url of ['/district/inbox.test.ts', '/district/inbox.d.ts', '/district/format.js', '/district/..%2Fagent%2Fagent.js', '/district/nope.js']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('HOTLINE_ERR_NOT_FOUND');
    }
  });

  it('is not part of the API documentation', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/district'))).toEqual([]);
  });
});

describe('what the pages share', () => {
  it.each(['agent', 'district', 'wallboard'])('the %s page loads the shared styles and sign-in module', async (name) => {
    const page = (await app.inject({ method: 'GET', url: `/${name}` })).body;
    const script = (await app.inject({ method: 'GET', url: `/${name}/${name}.js` })).body;
    const links = [...page.matchAll(/href="([^"]+\.css)"/g)].map((m) => m[1]!);
    // Base first, so the page's own stylesheet can refine it.
    expect(links).toEqual(['/shared/base.css', `/${name}/${name}.css`]);
    expect(script).toMatch(/from '\.\.\/shared\/sign-in\.js'/);
    // The form itself is drawn by the shared module: the page holds only the empty section.
    expect(page).toMatch(/<section id="sign-in" data-title="[^"]+"><\/section>/);
    expect(page).not.toContain('id="password"');
  });

  it.each([
    ['session.js', 'text/javascript; charset=utf-8'],
    ['sign-in.js', 'text/javascript; charset=utf-8'],
    ['base.css', 'text/css; charset=utf-8'],
  ])('serves /shared/%s as %s under the pages policy', async (file, type) => {
    expect(SHARED_FILES).toContain(file);
    const res = await app.inject({ method: 'GET', url: `/shared/${file}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.body).toBe(await readFile(new URL(`../../src/web/shared/${file}`, import.meta.url), 'utf8'));
  });

  it('serves nothing else from /shared, and no page there', async () => {
    for (const url of ['/shared', '/shared/', '/shared/index.html', '/shared/session.d.ts', '/shared/..%2Fagent%2Fagent.js', '/shared/nope.js']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
    }
  });
});
