/**
 * What the report benchmarks (`bench:reports`, `bench:agent-report`) share: timing a
 * report `BENCH_RUNS` times after a warm-up, and the HTTP server they time it through
 * (the real one, admin token, no Asterisk, no rate limit in the way).
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import type { createRepositories } from '../../src/adapters/db/repositories.js';
import { hoursApi } from '../../src/adapters/http/hours-api.js';
import { buildServer } from '../../src/adapters/http/server.js';
import { createAccounts } from '../../src/services/auth-service.js';
import { OfficeHoursService } from '../../src/services/office-hours-service.js';
import type { createReportService } from '../../src/services/report-service.js';

export const RUNS = Number(process.env.BENCH_RUNS ?? 7);

export const ms = (n: number) => n.toFixed(0);

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One warm-up, then RUNS timed runs (milliseconds). */
export async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}

export function reportBenchServer(repos: ReturnType<typeof createRepositories>, reports: ReturnType<typeof createReportService>, adminToken: string) {
  return buildServer({
    cases: repos.cases,
    recordings: {
      stat: async () => null,
      createReadStream: () => {
        throw new Error('no recordings in this bench');
      },
    },
    health: async () => ({ database: true, redis: true, ari: true, ami: true }),
    hours: hoursApi(
      new OfficeHoursService({
        settings: repos.settings,
        holidayRepo: repos.holidays,
        districts: repos.districts,
        ami: { isConnected: () => false, action: () => Promise.reject(new Error('AMI is not connected')) },
        logger: pino({ level: 'warn' }),
      }),
    ),
    reports,
    adminToken,
    accounts: createAccounts(repos, () => new Date()),
    logger: pino({ level: 'warn' }),
    now: () => new Date(),
    rateLimit: { max: 1_000_000, timeWindowMs: 60_000 },
  });
}
