import path from 'node:path';

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
  /** Keys of the Open311 clients allowed to file requests; empty: Open311 is read-only. */
  open311ApiKeys: string[];
  /** Shared secret of the inbound SMS webhook; undefined: the webhook is refused. */
  smsWebhookToken: string | undefined;
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

/** Long enough that guessing one under the rate limit is hopeless. */
const MIN_SECRET_LENGTH = 16;

function secret(key: string, value: string): string {
  if (value.length < MIN_SECRET_LENGTH) throw new ConfigError(`${key}: a secret must have at least ${MIN_SECRET_LENGTH} characters`);
  return value;
}

function secretList(env: Env, key: string): string[] {
  const raw = env[key]?.trim();
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => secret(key, s));
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
    open311ApiKeys: secretList(env, 'OPEN311_API_KEYS'),
    smsWebhookToken: env.SMS_WEBHOOK_TOKEN?.trim() ? secret('SMS_WEBHOOK_TOKEN', env.SMS_WEBHOOK_TOKEN.trim()) : undefined,
  };
}
