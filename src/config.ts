import os from 'node:os';
import path from 'node:path';
import { QUEUES, type QueueName } from './domain/cases/case.js';
import { CASE_CATEGORIES } from './domain/cases/case.js';
import { parseSlaHours, type SlaHours } from './domain/cases/sla.js';
import { parseSlaClock, type SlaClockConfig } from './domain/calendar/working-hours.js';
import { diallingWeekly, parseCallingDays, type DiallingWindowConfig } from './outbound/domain/dialling-window.js';
import { parseSmsConfig, type SmsConfig } from './sms/sms-config.js';
import { parseEmailConfig, type EmailConfig } from './email/email-config.js';
import type { RecordingConfig } from './recordings/recording-service.js';

/** Typed configuration, parsed once from the environment and passed down (no globals). */
export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  /** PostgreSQL pool limits, milliseconds (DB_*_TIMEOUT_MS): a hung database fails fast instead of silencing callers. */
  databaseTimeouts: DatabaseTimeouts;
  dataDir: string;
  redisUrl: string;
  ari: { url: string; user: string; password: string; app: string };
  ami: { host: string; port: number; user: string; secret: string };
  /**
   * Every Asterisk node the engine attaches to (ASTERISK_NODE_NAME, ASTERISK_NODES and the
   * ASTERISK_<NAME>_* keys), the node of ARI_URL/AMI_* first. Each runs the same dialplan.
   */
  nodes: AsteriskNodeConfig[];
  adminToken: string;
  holidaysFile: string;
  logLevel: string;
  agents: AgentsConfig;
  dialler: DiallerConfig;
  surveys: SurveysConfig;
  /** Conversation recording: share, queues switched off, retention, Asterisk's folder (RECORDING_*). */
  recordings: RecordingConfig;
  /** SLA per case category, in hours (SLA_HOURS overrides the defaults). */
  slaHours: SlaHours;
  /** How SLA hours are counted, by default and per category (SLA_CLOCK): wall clock or working hours. */
  slaClock: SlaClockConfig;
  /** Where escalated cases are POSTed, signed (ESCALATION_WEBHOOK_URL and _SECRET); null: nobody is notified. */
  escalationWebhook: { url: string; secret: string } | null;
  /** BullMQ queues: key prefix, whether this process runs workers, dispatch retries. */
  jobs: {
    prefix: string;
    runWorkers: boolean;
    dispatch: { attempts: number; backoffMs: number; timeoutMs: number };
  };
  /** Keys of the Open311 clients allowed to file requests; empty: Open311 is read-only. */
  open311ApiKeys: string[];
  /** Address → point for routing by place (GEOCODER_URL); null: off. */
  geocoder: { urlTemplate: string; timeoutMs: number } | null;
  /** Origins of the web apps that may call Open311 from a browser (CORS); `*` any; empty: none. */
  open311CorsOrigins: string[];
  /** The largest photo a report may carry (web form, Open311, e-mail), in bytes. */
  photoMaxBytes: number;
  /** Shared secret of the inbound SMS webhook; undefined: the webhook is refused. */
  smsWebhookToken: string | undefined;
  /** Texts to citizens (SMS_PROVIDER and the SMS_* keys); null: SMS_PROVIDER=off, nothing is texted. */
  sms: SmsConfig | null;
  /** E-mail intake (EMAIL_INTAKE_ENABLED and the EMAIL_* keys); null: no mailbox is read. */
  email: EmailConfig | null;
  /** GET /metrics (Prometheus) is served unless METRICS_ENABLED=false. */
  metricsEnabled: boolean;
  /** Bearer token GET /metrics requires (METRICS_TOKEN); undefined: open like health. */
  metricsToken: string | undefined;
  /** /docs and /docs/json are served unless DOCS_ENABLED=false. */
  docsEnabled: boolean;
  /**
   * Fastify's trustProxy (TRUST_PROXY): false, the number of proxy hops in front, or the
   * proxies' addresses/CIDRs. Decides which X-Forwarded-For address rate limits count.
   */
  trustProxy: false | number | string[];
  /**
   * Requests per minute one client address may make to the API (API_RATE_LIMIT_PER_MINUTE).
   * Agents behind one office NAT share an address: raise it for a large floor.
   */
  apiRateLimitPerMinute: number;
  /** SIGTERM: the whole stop (hand-off, streams, HTTP, workers) within this, then the process exits anyway. */
  shutdownDeadlineMs: number;
  /**
   * Hot standby (STANDBY_ENABLED, LEASE_TTL_MS, INSTANCE_ID): several engines on one
   * database and Redis, one of them (the lease holder) driving the ARI app at a time.
   */
  standby: StandbyConfig;
}

export interface StandbyConfig {
  /** false (the default): this engine drives ARI alone, as a single engine always did. */
  enabled: boolean;
  /** Lifetime of the ARI lease in Redis; the holder renews it every third of it. */
  leaseTtlMs: number;
  /** Names this engine in the lease and in /api/health (hostname-pid by default). */
  instanceId: string;
}

export interface DatabaseTimeouts {
  /** Waiting for a connection from the pool or the server (DB_CONNECT_TIMEOUT_MS). */
  connectMs: number;
  /** Server-side limit of one statement (DB_STATEMENT_TIMEOUT_MS). */
  statementMs: number;
  /** Client-side limit of one query, covering a server that does not answer at all (DB_QUERY_TIMEOUT_MS). */
  queryMs: number;
  /** A transaction left idle this long is ended by the server, releasing its locks (DB_IDLE_IN_TRANSACTION_TIMEOUT_MS). */
  idleInTransactionMs: number;
}

export interface DiallerConfig {
  /** Where outbound calls go; `{number}` is replaced (HOTLINE_DIAL_TEMPLATE). */
  endpointTemplate: string;
  /** Caller ID of the hotline's outbound calls (HOTLINE_CALLER_ID). */
  callerId: string;
}

export interface SurveysConfig {
  /** Outbound calls (surveys and queue callbacks) at once across all workers: the trunk's share for them (SURVEY_MAX_CONCURRENT). */
  maxConcurrent: number;
  /**
   * When surveys may be dialled: SURVEY_CALLING_DAYS ('saturday-thursday'),
   * SURVEY_CALLING_HOURS ('09:00-20:00', Tehran) and SURVEY_FIRST_DELAY_HOURS (2).
   */
  window: DiallingWindowConfig;
}

export interface AgentsConfig {
  /** After-call work per queue, seconds (HOTLINE_WRAPUP_SECONDS, HOTLINE_QUEUE_WRAPUP). */
  wrapUpSeconds: Partial<Record<QueueName, number>> & { default: number };
  /** Unanswered rings in a row before an agent is paused with reason `missed`. */
  maxMissedInARow: number;
  /** Where agents' phones register (the Asterisk host as phones see it). */
  sipDomain: string;
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

function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${key} must be an integer from ${min} to ${max}: ${raw}`);
  return n;
}

/** `complaints=30,general=10`: per-queue wrap-up seconds over the default. */
function queueWrapUps(env: Env): Partial<Record<QueueName, number>> {
  const raw = env.HOTLINE_QUEUE_WRAPUP?.trim();
  const out: Partial<Record<QueueName, number>> = {};
  if (!raw) return out;
  for (const part of raw.split(',')) {
    const [queue, seconds] = part.split('=').map((s) => s.trim());
    const n = Number(seconds);
    if (!queue || !(QUEUES as readonly string[]).includes(queue) || !Number.isInteger(n) || n < 0 || n > 3600) {
      throw new ConfigError(`HOTLINE_QUEUE_WRAPUP: "${part}" is not <queue>=<seconds 0..3600>`);
    }
    out[queue as QueueName] = n;
  }
  return out;
}

/** RECORDING_QUEUES_OFF: queues whose calls are never recorded, comma-separated. */
function queueList(env: Env, key: string): QueueName[] {
  const raw = env[key]?.trim();
  if (!raw) return [];
  return raw.split(',').map((part) => {
    const queue = part.trim();
    if (!(QUEUES as readonly string[]).includes(queue)) throw new ConfigError(`${key}: "${queue}" is not a queue (${QUEUES.join(', ')})`);
    return queue as QueueName;
  });
}

function dialTemplate(template: string): string {
  if (!template.includes('{number}')) throw new ConfigError(`HOTLINE_DIAL_TEMPLATE must contain {number}: ${template}`);
  return template;
}

function surveyWindow(env: Env): DiallingWindowConfig {
  const hours = env.SURVEY_CALLING_HOURS?.trim() || '09:00-20:00';
  const [open, close, ...rest] = hours.split('-').map((h) => h.trim());
  if (!open || !close || rest.length > 0) throw new ConfigError(`SURVEY_CALLING_HOURS must look like 09:00-20:00: ${hours}`);
  const delayHours = Number(env.SURVEY_FIRST_DELAY_HOURS?.trim() || '2');
  if (!Number.isFinite(delayHours) || delayHours < 0 || delayHours > 24 * 14) {
    throw new ConfigError(`SURVEY_FIRST_DELAY_HOURS must be a number of hours from 0 to 336: ${env.SURVEY_FIRST_DELAY_HOURS}`);
  }
  try {
    const days = parseCallingDays(env.SURVEY_CALLING_DAYS?.trim() || 'saturday-thursday');
    return { weekly: diallingWeekly(days, open, close), firstAttemptDelayMs: Math.round(delayHours * 3_600_000) };
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
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

/**
 * TRUST_PROXY: empty or `false` (the default: X-Forwarded-For is ignored), a hop count
 * (`1`: one proxy in front), or the proxies' addresses and CIDRs, comma-separated.
 * `true` is refused: trusting every hop lets any client choose its own address.
 */
function trustProxy(env: Env): false | number | string[] {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw || raw.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(raw)) return integer(env, 'TRUST_PROXY', 0, 1, 10);
  const entries = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const address = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)(\/\d{1,3})?$/i;
  const bad = entries.find((e) => !address.test(e));
  if (bad !== undefined) {
    throw new ConfigError(`TRUST_PROXY must be false, a hop count (1-10) or the proxies' addresses/CIDRs, comma-separated: ${bad}`);
  }
  return entries;
}

/** Long enough that guessing one under the rate limit is hopeless. */
const MIN_SECRET_LENGTH = 16;

function secret(key: string, value: string): string {
  if (value.length < MIN_SECRET_LENGTH) throw new ConfigError(`${key}: a secret must have at least ${MIN_SECRET_LENGTH} characters`);
  // The AMI login is written line by line: a CR/LF in a secret would end it early.
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new ConfigError(`${key}: a secret must not contain control characters`);
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

/** A comma list of web origins (`https://app.example`, scheme and host, no path) or `*`. */
function originList(env: Env, key: string): string[] {
  const raw = env[key]?.trim();
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (s === '*') return s;
      let url: URL;
      try {
        url = new URL(s);
      } catch {
        throw new ConfigError(`${key}: ${s} is not an origin like https://app.example`);
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== s.replace(/\/$/, '')) {
        throw new ConfigError(`${key}: ${s} is not an origin like https://app.example (scheme and host only)`);
      }
      return url.origin;
    });
}

export interface AsteriskNodeConfig {
  /** A short name (letters, digits, '-'): in logs, health, metrics and the wallboard. */
  name: string;
  ari: { url: string; user: string; password: string; app: string };
  ami: { host: string; port: number; user: string; secret: string };
}

const NODE_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * The node of ARI_URL/AMI_* (named ASTERISK_NODE_NAME, `a` by default), then one per name
 * in ASTERISK_NODES, each from ASTERISK_<NAME>_ARI_URL and _AMI_HOST/_AMI_PORT; its
 * credentials (_ARI_USER, _ARI_PASSWORD, _AMI_USER, _AMI_SECRET) default to the first node's.
 */
function asteriskNodes(env: Env, first: Omit<AsteriskNodeConfig, 'name'>): AsteriskNodeConfig[] {
  const firstName = env.ASTERISK_NODE_NAME?.trim() || 'a';
  const names = (env.ASTERISK_NODES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of [firstName, ...names]) {
    if (!NODE_NAME.test(name)) throw new ConfigError(`ASTERISK_NODES: node name ${name} must be lower-case letters, digits or '-', starting with a letter`);
  }
  if (new Set([firstName, ...names]).size !== names.length + 1) throw new ConfigError(`ASTERISK_NODES: every node needs its own name (${[firstName, ...names].join(', ')})`);
  const nodes: AsteriskNodeConfig[] = [{ name: firstName, ...first }];
  for (const name of names) {
    const key = (suffix: string) => `ASTERISK_${name.toUpperCase().replace(/-/g, '_')}_${suffix}`;
    const url = env[key('ARI_URL')]?.trim();
    const host = env[key('AMI_HOST')]?.trim();
    if (!url || !host) throw new ConfigError(`ASTERISK_NODES names ${name}: set ${key('ARI_URL')} and ${key('AMI_HOST')}`);
    const password = env[key('ARI_PASSWORD')]?.trim();
    const amiSecret = env[key('AMI_SECRET')]?.trim();
    nodes.push({
      name,
      ari: { url, user: env[key('ARI_USER')]?.trim() || first.ari.user, password: password ? secret(key('ARI_PASSWORD'), password) : first.ari.password, app: first.ari.app },
      ami: {
        host,
        port: port(env, key('AMI_PORT'), 5038),
        user: env[key('AMI_USER')]?.trim() || first.ami.user,
        secret: amiSecret ? secret(key('AMI_SECRET'), amiSecret) : first.ami.secret,
      },
    });
  }
  return nodes;
}

export function loadConfig(env: Env = process.env): Config {
  const dataDir = path.resolve(env.DATA_DIR?.trim() || './data');
  const ari = {
    url: env.ARI_URL?.trim() || 'http://127.0.0.1:8088',
    user: required(env, 'ARI_USER'),
    password: secret('ARI_PASSWORD', required(env, 'ARI_PASSWORD')),
    app: 'hotline',
  };
  const ami = {
    host: env.AMI_HOST?.trim() || '127.0.0.1',
    port: port(env, 'AMI_PORT', 5038),
    user: required(env, 'AMI_USER'),
    secret: secret('AMI_SECRET', required(env, 'AMI_SECRET')),
  };
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port: port(env, 'PORT', 3000),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    databaseTimeouts: {
      connectMs: integer(env, 'DB_CONNECT_TIMEOUT_MS', 5_000, 100, 600_000),
      statementMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 10_000, 100, 600_000),
      queryMs: integer(env, 'DB_QUERY_TIMEOUT_MS', 12_000, 100, 600_000),
      idleInTransactionMs: integer(env, 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 30_000, 100, 3_600_000),
    },
    dataDir,
    redisUrl: env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379',
    ari,
    ami,
    nodes: asteriskNodes(env, { ari, ami }),
    adminToken: secret('HOTLINE_ADMIN_TOKEN', required(env, 'HOTLINE_ADMIN_TOKEN')),
    holidaysFile: path.resolve(env.HOLIDAYS_FILE?.trim() || './config/holidays.json'),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    dialler: {
      endpointTemplate: dialTemplate(env.HOTLINE_DIAL_TEMPLATE?.trim() || 'PJSIP/{number}@trunk'),
      callerId: env.HOTLINE_CALLER_ID?.trim() || '137',
    },
    surveys: {
      maxConcurrent: integer(env, 'SURVEY_MAX_CONCURRENT', 10, 1, 1000),
      window: surveyWindow(env),
    },
    agents: {
      wrapUpSeconds: { default: integer(env, 'HOTLINE_WRAPUP_SECONDS', 15, 0, 3600), ...queueWrapUps(env) },
      maxMissedInARow: integer(env, 'HOTLINE_AGENT_MAX_MISSED', 2, 1, 100),
      sipDomain: env.HOTLINE_SIP_DOMAIN?.trim() || env.AMI_HOST?.trim() || '127.0.0.1',
    },
    recordings: {
      policy: { sharePercent: integer(env, 'RECORDING_SHARE_PERCENT', 100, 0, 100), queuesOff: queueList(env, 'RECORDING_QUEUES_OFF') },
      retentionDays: { conversation: integer(env, 'RECORDING_RETENTION_CONVERSATION_DAYS', 365, 0, 3650) },
      asteriskDir: (env.RECORDING_ASTERISK_DIR?.trim() || '/var/spool/asterisk/recording').replace(/\/+$/, ''),
    },
    slaHours: slaHours(env.SLA_HOURS),
    slaClock: slaClock(env.SLA_CLOCK),
    escalationWebhook: escalationWebhook(env),
    jobs: {
      prefix: env.QUEUE_PREFIX?.trim() || 'hotline',
      runWorkers: bool(env, 'RUN_WORKERS', true),
      dispatch: {
        attempts: positiveInt(env, 'DISPATCH_ATTEMPTS', 8),
        backoffMs: positiveInt(env, 'DISPATCH_BACKOFF_MS', 30_000),
        timeoutMs: positiveInt(env, 'DISPATCH_TIMEOUT_MS', 10_000),
      },
    },
    open311ApiKeys: secretList(env, 'OPEN311_API_KEYS'),
    geocoder: geocoder(env),
    open311CorsOrigins: originList(env, 'OPEN311_CORS_ORIGINS'),
    photoMaxBytes: integer(env, 'PHOTO_MAX_BYTES', 5 * 1024 * 1024, 10 * 1024, 50 * 1024 * 1024),
    smsWebhookToken: env.SMS_WEBHOOK_TOKEN?.trim() ? secret('SMS_WEBHOOK_TOKEN', env.SMS_WEBHOOK_TOKEN.trim()) : undefined,
    sms: smsConfig(env),
    email: emailConfig(env),
    metricsEnabled: bool(env, 'METRICS_ENABLED', true),
    shutdownDeadlineMs: integer(env, 'SHUTDOWN_DEADLINE_MS', 15_000, 1_000, 600_000),
    metricsToken: env.METRICS_TOKEN?.trim() ? secret('METRICS_TOKEN', env.METRICS_TOKEN.trim()) : undefined,
    docsEnabled: bool(env, 'DOCS_ENABLED', true),
    trustProxy: trustProxy(env),
    apiRateLimitPerMinute: integer(env, 'API_RATE_LIMIT_PER_MINUTE', 300, 10, 1_000_000),
    standby: {
      enabled: bool(env, 'STANDBY_ENABLED', false),
      leaseTtlMs: integer(env, 'LEASE_TTL_MS', 1_500, 300, 60_000),
      instanceId: env.INSTANCE_ID?.trim() || `${os.hostname()}-${process.pid}`,
    },
  };
}

function smsConfig(env: Env): SmsConfig | null {
  try {
    return parseSmsConfig(env);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function emailConfig(env: Env): EmailConfig | null {
  try {
    return parseEmailConfig(env);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function geocoder(env: Env): { urlTemplate: string; timeoutMs: number } | null {
  const template = env.GEOCODER_URL?.trim();
  if (!template) return null;
  if (!template.includes('{address}')) throw new ConfigError(`GEOCODER_URL must contain {address}: ${template}`);
  try {
    const url = new URL(template.replace('{address}', 'x'));
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
  } catch {
    throw new ConfigError(`GEOCODER_URL is not an http(s) URL: ${template}`);
  }
  return { urlTemplate: template, timeoutMs: integer(env, 'GEOCODER_TIMEOUT_MS', 3_000, 100, 30_000) };
}

function slaClock(spec: string | undefined): SlaClockConfig {
  try {
    return parseSlaClock(spec, CASE_CATEGORIES);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function escalationWebhook(env: Env): { url: string; secret: string } | null {
  const url = env.ESCALATION_WEBHOOK_URL?.trim();
  if (!url) return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error();
  } catch {
    throw new ConfigError('ESCALATION_WEBHOOK_URL is not an http(s) URL');
  }
  // Like the districts' webhooks: the receiver must be able to tell our notices from forgeries.
  const key = env.ESCALATION_WEBHOOK_SECRET?.trim();
  if (!key) throw new ConfigError('ESCALATION_WEBHOOK_SECRET must be set with ESCALATION_WEBHOOK_URL (it signs every notice)');
  return { url, secret: secret('ESCALATION_WEBHOOK_SECRET', key) };
}

function slaHours(spec: string | undefined): SlaHours {
  try {
    return parseSlaHours(spec);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}
