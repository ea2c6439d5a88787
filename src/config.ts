import path from 'node:path';
import { parseSlaHours, type SlaHours } from './domain/cases/sla.js';

/** Typed configuration, parsed once from the environment and passed down (no globals). */
export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string;
  ari: { url: string; user: string; password: string; app: string };
  ami: { host: string; port: number; user: string; secret: string };
  adminToken: string;
  holidaysFile: string;
  logLevel: string;
  /** SLA per case category, in hours (SLA_HOURS overrides the defaults). */
  slaHours: SlaHours;
  /** BullMQ queues: key prefix, whether this process runs workers, dispatch retries. */
  jobs: {
    prefix: string;
    runWorkers: boolean;
    dispatch: { attempts: number; backoffMs: number; timeoutMs: number };
  };
}

export class ConfigError extends Error {
  readonly code = 'HOTLINE_ERR_CONFIG';
}

type Env = Record<string, string | undefined>;

function required(env: Env, key: string): string {
  const value = env[key]?.trim();
  if (!value) throw new ConfigError(`${key} must be set (see .env.example)`);
  return value;
}

function port(env: Env, key: string, fallback: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${key} is not a port: ${raw}`);
  return n;
}

function positiveInt(env: Env, key: string, fallback: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${key} must be a whole number above 0: ${raw}`);
  return n;
}

function bool(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${key} must be true or false: ${raw}`);
}

export function loadConfig(env: Env = process.env): Config {
  const dataDir = path.resolve(env.DATA_DIR?.trim() || './data');
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: port(env, 'PORT', 3000),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    dataDir,
    redisUrl: env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379',
    ari: {
      url: env.ARI_URL?.trim() || 'http://127.0.0.1:8088',
      user: required(env, 'ARI_USER'),
      password: required(env, 'ARI_PASSWORD'),
      app: 'hotline',
    },
    ami: {
      host: env.AMI_HOST?.trim() || '127.0.0.1',
      port: port(env, 'AMI_PORT', 5038),
      user: required(env, 'AMI_USER'),
      secret: required(env, 'AMI_SECRET'),
    },
    adminToken: required(env, 'HOTLINE_ADMIN_TOKEN'),
    holidaysFile: path.resolve(env.HOLIDAYS_FILE?.trim() || './config/holidays.json'),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    slaHours: slaHours(env.SLA_HOURS),
    jobs: {
      prefix: env.QUEUE_PREFIX?.trim() || 'hotline',
      runWorkers: bool(env, 'RUN_WORKERS', true),
      dispatch: {
        attempts: positiveInt(env, 'DISPATCH_ATTEMPTS', 8),
        backoffMs: positiveInt(env, 'DISPATCH_BACKOFF_MS', 30_000),
        timeoutMs: positiveInt(env, 'DISPATCH_TIMEOUT_MS', 10_000),
      },
    },
  };
}

function slaHours(spec: string | undefined): SlaHours {
  try {
    return parseSlaHours(spec);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}
