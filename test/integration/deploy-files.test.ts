/**
 * The deployment files kept in deploy/ are checked here, since no Prometheus, Grafana,
 * Docker or Kubernetes runs on the build machine: every metric an alert or a panel uses
 * is one GET /metrics exports, and the compose file and manifests point at files and
 * .env keys that exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { initialState, defaultConfig } from '../../src/domain/queues/live-stats.js';
import { snapshot } from '../../src/domain/queues/snapshot.js';
import { renderMetrics, renderWarningMetrics } from '../../src/services/metrics.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
/** The keys .env.example documents: the only ones a deployment file may set. */
const envKeys = new Set([...read('.env.example').matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]!));

/** Every family /metrics can export, from its TYPE lines (a family may have no sample yet). */
function exportedMetrics(): Set<string> {
  const now = new Date('2026-12-02T08:00:00Z');
  const text =
    renderMetrics({
      stats: snapshot(initialState(defaultConfig(), now), now),
      connections: [{ node: 'a', ari: true, ami: true }],
      lease: { held: [{ node: 'a', held: true }], losses: 0 },
      jobs: { dispatch: { waiting: 0 }, 'outbound-calls': { waiting: 0 } },
    }) + renderWarningMetrics({});
  return new Set(text.split('\n').flatMap((l) => (l.startsWith('# TYPE ') ? [l.split(' ')[2]!] : [])));
}

/** Series Prometheus makes itself for every scrape target. */
const PROMETHEUS_OWN = new Set(['up']);
const PROMQL_WORDS = new Set([
  // Aggregations may put `by (…)` between their name and their parenthesis.
  'sum', 'min', 'max', 'avg', 'count', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values',
  'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset']);

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or strings. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1');
  return [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter((m) => m[2] === undefined && (m.index === 0 || !/[0-9.]/.test(bare[m.index - 1]!)))
    .map((m) => m[1]!)
    .filter((name) => !PROMQL_WORDS.has(name) && !/^(Inf|NaN)$/.test(name));
}

describe('Prometheus alert rules and the Grafana dashboard', () => {
  const exported = exportedMetrics();

  it('the metric-name reader finds metrics and skips functions, labels and keywords', () => {
    expect(metricNames('delta(hotline_jobs{queue="dispatch",state="failed"}[15m]) > 0')).toEqual(['hotline_jobs']);
    expect(metricNames('sum by (queue) (a_b{x="y"}) / clamp_min(c_d, 1) and e_f >= 20')).toEqual(['a_b', 'c_d', 'e_f']);
    expect(exported.has('hotline_asterisk_connection_up')).toBe(true);
    expect(exported.has('hotline_health_warnings')).toBe(true);
  });

  const rules = parse(read('deploy/prometheus/alerts.yml')) as {
    groups: { name: string; rules: { alert: string; expr: string; labels?: { severity?: string } }[] }[];
  };
  const alerts = rules.groups.flatMap((g) => g.rules);

  it('every alert has a name, a severity and reads only metrics /metrics exports', () => {
    expect(alerts.length).toBeGreaterThan(0);
    for (const rule of alerts) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^Hotline[A-Za-z]+$/);
      expect(['critical', 'warning']).toContain(rule.labels?.severity);
      const names = metricNames(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name) || PROMETHEUS_OWN.has(name), `${rule.alert} uses ${name}`).toBe(true);
    }
    expect(new Set(alerts.map((a) => a.alert)).size).toBe(alerts.length);
  });

  it('covers what an operator must hear about', () => {
    const uses = (metric: string, match: string) => alerts.some((a) => a.expr.includes(metric) && a.expr.includes(match));
    expect(uses('hotline_asterisk_connection_up', 'interface="ari"')).toBe(true);
    expect(uses('hotline_asterisk_connection_up', 'interface="ami"')).toBe(true);
    expect(uses('hotline_service_level_ratio', '0.8')).toBe(true);
    expect(uses('hotline_jobs', 'state="failed"')).toBe(true);
    expect(uses('hotline_health_warnings', 'source="redis"')).toBe(true);
    expect(uses('hotline_health_warnings', 'source="calendar"')).toBe(true);
    expect(uses('hotline_calls_waiting', '')).toBe(true);
    expect(uses('hotline_calls_abandoned_today', '')).toBe(true);
    // A standby pair: no holder (or two), a lease lost, and a standby is not "ARI down".
    expect(uses('hotline_ari_lease_held', '!= 1')).toBe(true);
    expect(uses('hotline_ari_lease_lost_total', 'increase')).toBe(true);
    expect(uses('hotline_asterisk_connection_up', 'unless on (instance, node) hotline_ari_lease_held == 0')).toBe(true);
  });

  it('every dashboard panel and variable reads only metrics /metrics exports', () => {
    const dashboard = JSON.parse(read('deploy/grafana/hotline-137.json')) as {
      uid: string;
      panels: { id: number; title: string; targets: { expr: string }[] }[];
      templating: { list: { name: string; query: string }[] };
    };
    expect(dashboard.uid).toBe('hotline-137');
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: p.title, expr: t.expr })));
    for (const v of dashboard.templating.list) {
      const m = /^label_values\((\w+),\s*\w+\)$/.exec(v.query);
      if (m) exprs.push({ where: `$${v.name}`, expr: m[1]! });
    }
    const used = new Set<string>();
    for (const { where, expr } of exprs) {
      for (const name of metricNames(expr)) {
        expect(exported.has(name), `${where} uses ${name}`).toBe(true);
        used.add(name);
      }
    }
    // Every family /metrics exports has a panel.
    expect([...exported].filter((name) => !used.has(name))).toEqual([]);
  });
});

describe('deploy/compose.yaml', () => {
  // Compose files merge YAML anchors (`<<: *engine-env`).
  const compose = parse(read('deploy/compose.yaml'), { merge: true }) as {
    services: Record<
      string,
      { image?: string; build?: { context: string; dockerfile: string }; environment?: Record<string, string>; ports?: string[]; command?: string[] }
    >;
  };

  it('has Asterisk, PostgreSQL, Redis, a standby pair of engines on one data volume, and a worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['asterisk', 'engine', 'engine-b', 'postgres', 'redis', 'worker']);
    const [a, b] = [compose.services.engine!, compose.services['engine-b']!];
    expect([a.environment?.STANDBY_ENABLED, b.environment?.STANDBY_ENABLED]).toEqual(['true', 'true']);
    expect(a.environment?.INSTANCE_ID).not.toBe(b.environment?.INSTANCE_ID);
    expect(b.environment?.ARI_URL).toBe(a.environment?.ARI_URL);
    expect((a as { volumes?: string[] }).volumes).toEqual((b as { volumes?: string[] }).volumes);
  });

  it('builds from Dockerfiles that exist, and the worker runs the compiled src/worker.ts', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      expect(Boolean(s.image) !== Boolean(s.build), `${name}: an image or a build`).toBe(true);
      if (s.build) expect(existsSync(path.join(ROOT, 'deploy', s.build.context, s.build.dockerfile)), name).toBe(true);
    }
    expect(compose.services.worker!.command).toEqual(['node', 'dist/worker.js']);
    expect(existsSync(path.join(ROOT, 'src/worker.ts'))).toBe(true);
    expect(read('deploy/asterisk/Dockerfile')).toMatch(/FROM debian:sid/);
  });

  it('gives the engine and the worker only .env keys, and Redis the settings the engine checks', () => {
    for (const name of ['engine', 'engine-b', 'worker']) {
      for (const key of Object.keys(compose.services[name]!.environment ?? {})) expect(envKeys.has(key), `${name}: ${key}`).toBe(true);
    }
    expect(compose.services.redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
  });

  it('publishes nothing beyond 127.0.0.1', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const port of s.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
  });
});

describe('deploy/k8s/hotline.yaml', () => {
  type Doc = { kind: string; metadata: { name: string }; spec?: Record<string, unknown>; stringData?: Record<string, string> };
  const docs = parseAllDocuments(read('deploy/k8s/hotline.yaml')).map((d) => d.toJS() as Doc);

  it('has a standby pair of engines (ready on /api/health, one shared volume), the worker, a Secret of .env keys and an internal Service', () => {
    const engine = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'hotline-engine')!;
    expect(engine.spec!.replicas).toBe(2);
    expect(JSON.stringify(engine)).toContain('"name":"INSTANCE_ID","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}');
    expect(JSON.stringify(engine)).toContain('"claimName":"hotline-data"');
    expect(docs.find((d) => d.kind === 'PersistentVolumeClaim')!.spec!.accessModes).toEqual(['ReadWriteMany']);
    expect(JSON.stringify(engine)).toContain('"readinessProbe":{"httpGet":{"path":"/api/health"');
    const worker = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'hotline-worker')!;
    expect(JSON.stringify(worker)).toContain('"command":["node","dist/worker.js"]');
    const secret = docs.find((d) => d.kind === 'Secret')!;
    for (const key of Object.keys(secret.stringData!)) expect(envKeys.has(key), key).toBe(true);
    // Two engines without the lease would both claim the ARI application.
    expect(secret.stringData!.STANDBY_ENABLED).toBe('true');
    const service = docs.find((d) => d.kind === 'Service')!;
    expect(service.spec!.type).toBe('ClusterIP');
  });
});
