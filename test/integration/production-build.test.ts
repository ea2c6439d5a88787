import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_FILES, DISTRICT_FILES, QA_FILES, SHARED_FILES, WALLBOARD_FILES } from '../../src/adapters/http/routes/web-pages.js';
import { REPORTS_FILES } from '../../src/adapters/http/routes/report-pages.js';
import { REPORT_PATH, REPORT_SCRIPT_PATH, REPORT_STYLE_PATH } from '../../src/web/report-page.js';
import { productionAllocatorEnv, productionNodeArgs } from '../../scripts/lib/production-command.js';
import { NO_ASTERISK, outputLine, spawnEngine, type EngineProcess } from '../helpers/engine-process.js';

const run = promisify(execFile);
/** Where this test builds (under the repository, so node_modules and migrations/ resolve as from dist/). */
const BUILD = 'test-results/production-build/dist';

/**
 * The production form, as the Dockerfile runs it: `npm run build`, then `node
 * dist/main.js`. Every page and asset is requested from the built output. Asterisk
 * is pointed elsewhere: this engine must not take calls from the e2e tests' sandbox.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run build && node dist/main.js', () => {
  let engine: EngineProcess;

  beforeAll(async () => {
    // Its own build folder: `dist/` belongs to the fault suite, whose engines (re)start from
    // it while this file runs alongside; emptying it under them broke their restarts.
    await run('npm', ['run', 'build'], { cwd: new URL('../..', import.meta.url), maxBuffer: 16 * 1024 * 1024, env: { ...process.env, BUILD_DIR: BUILD } });
    // With the Node options of the Dockerfile's CMD and its allocator settings.
    engine = await spawnEngine([...productionNodeArgs(REPO), `${BUILD}/main.js`], { ...productionAllocatorEnv(REPO), ...NO_ASTERISK });
  }, 240_000);

  afterAll(async () => {
    await engine?.cleanup();
  });

  it("starts as the Dockerfile does: its CMD's Node options and its allocator settings", () => {
    expect(productionNodeArgs(REPO)).toContain('--max-semi-space-size=2');
    expect(productionAllocatorEnv(REPO)).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '32768' });
    const environment = readFileSync(`/proc/${engine.child.pid}/environ`, 'utf8').split('\0');
    expect(environment).toContain('MALLOC_ARENA_MAX=2');
    expect(environment).toContain('MALLOC_MMAP_THRESHOLD_=32768');
  });

  it("collects start-up's garbage once up, giving its old-generation pages back (RSS budget)", async () => {
    const line = JSON.parse(await outputLine(engine, /start-up garbage collected/)) as { oldSpaceMb: { before: number; after: number } };
    expect(line.oldSpaceMb.after).toBeLessThan(line.oldSpaceMb.before);
  });

  it('answers /api/health with the database up (Asterisk deliberately unreachable)', async () => {
    const res = await fetch(`${engine.url}/api/health`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, boolean> };
    expect(body.checks).toMatchObject({ database: true, ari: false, ami: false });
  });

  it('runs on the embedded PGlite (no DATABASE_URL): its thread starts from dist/, and it stops cleanly', async () => {
    const lite = await spawnEngine([...productionNodeArgs(REPO), `${BUILD}/main.js`], {
      ...productionAllocatorEnv(REPO),
      ...NO_ASTERISK,
      DATABASE_URL: '',
    });
    try {
      const body = (await (await fetch(`${lite.url}/api/health`)).json()) as { checks: Record<string, boolean> };
      expect(body.checks).toMatchObject({ database: true, ari: false });
      lite.child.kill('SIGTERM');
      expect((await lite.exited).code, lite.output()).toBe(0);
    } finally {
      await lite.cleanup();
    }
  }, 120_000);

  it('serves the OpenAPI docs', async () => {
    const res = await fetch(`${engine.url}/docs/json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/health');
    expect((await fetch(`${engine.url}/docs`, { redirect: 'follow' })).status).toBe(200);
  });

  const pages: [string, readonly string[]][] = [
    ['agent', AGENT_FILES],
    ['wallboard', WALLBOARD_FILES],
    ['district', DISTRICT_FILES],
    ['reports', REPORTS_FILES],
    ['qa', QA_FILES],
    ['shared', SHARED_FILES],
  ];
  it.each(pages)('serves /%s and every asset it loads', async (name, files) => {
    for (const file of files) {
      const res = await fetch(`${engine.url}/${name}/${file}`);
      expect(res.status, `/${name}/${file}`).toBe(200);
      expect((await res.text()).length, `/${name}/${file}`).toBeGreaterThan(0);
    }
    if (files.includes('index.html')) {
      const page = await fetch(`${engine.url}/${name}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
    }
  });

  it("serves the citizens' form at /report with its script and style", async () => {
    for (const [url, type] of [
      [REPORT_PATH, 'text/html'],
      [REPORT_SCRIPT_PATH, 'text/javascript'],
      [REPORT_STYLE_PATH, 'text/css'],
    ] as const) {
      const res = await fetch(`${engine.url}${url}`);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toContain(type);
    }
  });
});
