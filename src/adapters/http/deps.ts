import type { StreamLimits } from './event-stream.js';
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Redis } from 'ioredis';
import type { CaseRepo, CallRepo, DistrictRepo, UnitRepo } from '../../domain/cases/ports.js';
import type { PlaceRouting } from '../../services/place-routing.js';
import type { OverdueFeed } from '../../services/overdue-board.js';
import type { SessionRepo, UserRepo } from '../../domain/users/user.js';
import type { AgentDesk, CallCases, SupervisorDesk } from '../../services/agent-ports.js';
import type { AuthService } from '../../services/auth-service.js';
import type { ReportService } from '../../services/report-service.js';
import type { SurveyService } from '../../outbound/services/survey-service.js';
import type { LiveSnapshot } from '../../domain/queues/snapshot.js';
import type { WarningsBySource } from '../../services/metrics.js';
import type { CalendarView, HolidayInput, HotlineHours } from '../../services/office-hours-service.js';
import type { StoredHoliday } from '../../domain/calendar/ports.js';
import type { WeeklyHours } from '../../domain/calendar/office-hours.js';
import type { SmsWebhooks } from '../../sms/services/sms-ports.js';
import type { RecordingsApi } from '../../recordings/ports.js';
import type { QualityApi } from '../../quality/quality-service.js';
import type { KnowledgeService } from '../../knowledge/knowledge-service.js';

/** Roles the API knows about; only `admin` is issued until users arrive. */
export const ROLES = ['admin', 'supervisor', 'agent', 'district'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** User id ('admin' for the HOTLINE_ADMIN_TOKEN). */
  id: string;
  role: Role;
  /** For role `district`: the one district (1..22) this user may see and act on. */
  district?: number | null;
}

/** Resolves a bearer token to who is calling, or null when the token is unknown. */
export type Authenticate = (token: string) => Principal | null | Promise<Principal | null>;

/** The part of the recording store the API reads; the store itself lives in adapters/db. */
export interface RecordingReader {
  stat(key: string): Promise<{ size: number } | null>;
  createReadStream(key: string, range?: { start: number; end: number }): NodeJS.ReadableStream;
}

export interface PhotoWriter {
  save(key: string, data: Buffer): Promise<void>;
}

export const HEALTH_CHECKS = ['database', 'redis', 'ari', 'ami'] as const;
export type HealthCheckName = (typeof HEALTH_CHECKS)[number];
export type HealthChecks = Record<HealthCheckName, boolean>;

/** One Asterisk node as GET /api/health shows it. */
export interface NodeHealth {
  name: string;
  /** Its ARI app is connected (or another engine of a standby pair drives it). */
  ari: boolean;
  ami: boolean;
  /** This engine drives the node's calls (holds its lease, or there is no standby). */
  driving: boolean;
  /** Callers in this engine's IVR app on the node now. */
  callers: number;
  /** Callers waiting in the node's queues now (live statistics). */
  waiting: number;
}

/** Who drives ARI: `enabled` false is a single engine (always the driver). */
export interface LeaseHealth {
  enabled: boolean;
  holder: boolean;
  instanceId: string | null;
  token: number | null;
}

export const HOURS_MODES = ['open', 'closed', 'auto'] as const;
export type HoursMode = (typeof HOURS_MODES)[number];

export interface HoursStatus {
  open: boolean;
  mode: HoursMode;
  /** ISO 8601; absent while open or when no opening is known. */
  nextOpening?: string;
}

export interface HoursService {
  getOverride(): Promise<HoursMode>;
  setOverride(mode: HoursMode, actor: string): Promise<void>;
  status(now: Date): Promise<HoursStatus>;
  /** The whole calendar for the /hours page: hours, holidays, districts' hours, override and who set it. */
  calendar(now: Date): Promise<CalendarView>;
  setHotlineHours(hours: { weekly: unknown; observeHolidays: boolean }, actor: string): Promise<HotlineHours>;
  addHoliday(input: HolidayInput, actor: string): Promise<StoredHoliday>;
  removeHoliday(id: number, actor: string): Promise<void>;
  setDistrictHours(id: number, weekly: unknown, actor: string): Promise<WeeklyHours>;
  /** Calendar risks for /api/health (the lunar holidays running out). */
  warnings(now: Date): string[];
}

/** At most `max` requests per client IP in each window of `timeWindowMs`. */
export interface RateLimit {
  max: number;
  timeWindowMs: number;
}

/** Replays of dispatch jobs that failed for good (adapters/jobs/dispatch.ts). */
export interface DispatchControl {
  retry(jobId: string, actor: string): Promise<{ jobId: string; caseId: string; trackingNumber: string | null }>;
}

/** The live queue picture (services/live-stats-service.ts). */
export interface LiveStatsFeed {
  snapshot(): LiveSnapshot;
  /** Calls `listener` after changes (at most a few times a second) until the returned function is called. */
  subscribe(listener: () => void): () => void;
}

export interface HttpDeps {
  /** Live queue statistics; GET /api/queues/stats(/stream) exist only with it. */
  liveStats?: LiveStatsFeed | undefined;
  /** Overdue cases per district, pushed on the stats stream as `overdue` (absent: not pushed). */
  overdue?: OverdueFeed | undefined;
  /** The Prometheus exposition; GET /metrics exists only with it (METRICS_ENABLED). */
  metrics?: (() => Promise<string>) | undefined;
  /** METRICS_TOKEN: GET /metrics then needs it as a bearer token. */
  metricsToken?: string | undefined;
  /** DOCS_ENABLED: /docs and /docs/json are served (true by default). */
  docsEnabled?: boolean;
  /** Agent state and desktop; the agent and call routes exist only with it. */
  agents?: AgentDesk | undefined;
  /** Supervisors' phones and listening; the /supervisors and listen routes exist only with it. */
  supervisors?: SupervisorDesk | undefined;
  callCases?: CallCases | undefined;
  cases: Pick<CaseRepo, 'create' | 'findByTrackingNumber' | 'list' | 'transition' | 'publicNotes' | 'remark' | 'deliveries' | 'media' | 'findMedia' | 'findById'>;
  /** Routing by place (PUT /api/cases/:tn/location); absent: no such route. */
  places?: Pick<PlaceRouting, 'setLocation'> | undefined;
  /** Units and city-wide bodies, districts' details (the /api/units and /api/districts routes). */
  organisation?: { units: UnitRepo; districts: Pick<DistrictRepo, 'list' | 'get' | 'update'> } | undefined;
  /** The calls of a case, for its timeline; absent: the timeline lists none. */
  calls?: Pick<CallRepo, 'list'> | undefined;
  /** Absent when the service runs without queues: the retry endpoint then answers 503. */
  dispatch?: DispatchControl;
  recordings: RecordingReader;
  /** Recorded conversations; the /recordings routes exist only with it. */
  callRecordings?: RecordingsApi | undefined;
  /** Quality evaluation of recorded calls; the /qa routes and the quality report exist only with it. */
  quality?: QualityApi | undefined;
  /** The knowledge base; the /knowledge routes, the articles of calls and the public FAQ exist only with it. */
  knowledge?: KnowledgeService | undefined;
  /** Where uploaded photos are written (the recording store); absent: uploads are refused. */
  photos?: PhotoWriter;
  /** PHOTO_MAX_BYTES: the largest photo taken with a report. */
  photoMaxBytes?: number;
  /** Satisfaction surveys and the do-not-call list; absent (503) when the service runs without them. */
  surveys?: Pick<SurveyService, 'listForCase' | 'doNotCall' | 'flagged' | 'review' | 'commentRecording'> | undefined;
  health: () => Promise<HealthChecks>;
  /** The ARI lease of a standby pair, shown by GET /api/health (absent: not shown). */
  lease?: () => LeaseHealth;
  /** Every Asterisk node, shown by GET /api/health (absent: not shown). */
  nodes?: () => NodeHealth[];
  /**
   * Misconfigurations reported by GET /api/health next to the checks (Redis persistence,
   * the lunar calendar running out), by source for the /metrics gauge.
   */
  healthWarnings?: () => WarningsBySource;
  hours: HoursService;
  /** Call and case reports over a Jalali period (GET /api/reports/*, the /reports page). */
  reports: ReportService;
  /** Bearer token of the first admin (HOTLINE_ADMIN_TOKEN). */
  adminToken: string;
  /**
   * Resolves tokens that are not the admin token. Defaults to users' sessions; tests
   * hand in their own principals here.
   */
  authenticate?: Authenticate;
  /** Users, their sessions and sign-in. */
  accounts: { auth: AuthService; users: UserRepo; sessions: Pick<SessionRepo, 'deleteForUser'> };
  /** Per-IP limit on POST /api/auth/login; 60 a minute by default (a call centre signs in behind one NAT). */
  loginRateLimit?: RateLimit;
  logger: FastifyBaseLogger;
  now: () => Date;
  /** Per-IP limit over every /api route except health; 300 a minute by default. */
  rateLimit?: RateLimit;
  /**
   * Per-IP limit on the public web form's POST /api/public/cases, much stricter than the
   * API's; 20 per 10 minutes by default (loose enough for a carrier NAT's many citizens).
   */
  publicRateLimit?: RateLimit;
  /** Per-IP limit on GET /api/public/cases/:trackingNumber/status; 30 a minute by default. */
  publicStatusRateLimit?: RateLimit;
  /** Per-IP limit on GET /api/public/faq, counted apart from status lookups; 60 a minute by default. */
  publicFaqRateLimit?: RateLimit;
  /** Keys Open311 clients send as `api_key` to POST requests (OPEN311_API_KEYS); none: posting is refused. */
  open311ApiKeys?: readonly string[];
  /** OPEN311_CORS_ORIGINS: browser apps on these origins may call Open311 (`*`: any). */
  open311CorsOrigins?: readonly string[];
  /** Shared secret of the SMS gateway's webhook (SMS_WEBHOOK_TOKEN); unset: the webhook is refused. */
  smsWebhookToken?: string;
  /** Outbound texts (SMS_PROVIDER): delivery reports, satisfaction answers, answers to forwarded texts. */
  smsWebhooks?: SmsWebhooks | undefined;
  /** Per-IP limit on GET /api/health, kept apart so monitoring never eats the API's budget; 600 a minute by default. */
  healthRateLimit?: RateLimit;
  /**
   * Shares the API's counters between service instances. It should fail fast when
   * Redis is down (a finite `maxRetriesPerRequest`): the limiter then counts in this
   * instance's memory, never lets requests through unlimited. Health counters stay per instance, as each instance
   * is polled on its own.
   */
  rateLimitRedis?: Redis;
  /** Keeps this deployment's counters apart in a shared Redis (QUEUE_PREFIX); `hotline` by default. */
  rateLimitPrefix?: string;
  /**
   * Fastify's `trustProxy`: behind a reverse proxy, which X-Forwarded-For hops to believe,
   * so the limit applies to each client and not to the proxy's address. Off by default.
   */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** Live streams: per-user cap, session re-check period, unread bytes before a drop (event-stream.ts defaults). */
  streamLimits?: Partial<StreamLimits>;
}
