import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { adminTokenAuthenticator, bearerToken, protect } from './auth.js';
import { secretMatcher } from './shared-secret.js';
import { hotlineError } from '../../domain/errors.js';
import type { Authenticate, HttpDeps, RateLimit } from './deps.js';
import { registerDocs } from './docs.js';
import { surveyRoutes } from './routes/surveys.js';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './errors.js';
import { AJV_OPTIONS, strictInputs } from './input-schema.js';
import { requestLogger } from './logging.js';
import { registerEventStreams } from './event-stream.js';
import { limitRequests } from './rate-limit.js';
import { loginRoutes, sessionRoutes } from './routes/auth.js';
import { caseRoutes } from './routes/cases.js';
import { agentRoutes } from './routes/agents.js';
import { supervisorRoutes } from './routes/supervisors.js';
import { callRoutes } from './routes/calls.js';
import { dispatchRoutes } from './routes/dispatch.js';
import { healthRoutes } from './routes/health.js';
import { hoursRoutes } from './routes/hours.js';
import { reportPages } from './routes/report-pages.js';
import { reportRoutes } from './routes/reports.js';
import { userRoutes } from './routes/users.js';
import { OPEN311_ROOT, handleOpen311Error, open311Routes } from './routes/open311.js';
import { publicCaseRoutes, publicStatusRoutes, reportPageRoutes } from './routes/public-report.js';
import { caseWorkspaceRoutes } from './routes/case-workspace.js';
import { organisationRoutes } from './routes/organisation.js';
import { smsRoutes } from './routes/sms.js';
import { allowReportPage, registerSecurityHeaders } from './security-headers.js';
import { webPageRoutes } from './routes/web-pages.js';
import { metricsRoutes } from './routes/metrics.js';
import { queueStatsRoutes } from './routes/queue-stats.js';
import { recordingRoutes } from '../../recordings/adapters/http/recording-routes.js';
import { qualityRoutes } from '../../quality/adapters/http/quality-routes.js';
import { knowledgeRoutes, publicFaqRoutes } from '../../knowledge/adapters/http/knowledge-routes.js';

/** Cases are short text; anything bigger is a mistake or an attack. */
const BODY_LIMIT = 64 * 1024;

const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A busy supervisor dashboard stays well under this; a script hammering the API does not. */
const DEFAULT_API_LIMIT: RateLimit = { max: 300, timeWindowMs: 60_000 };
/** Generous: load balancers and monitors poll health every few seconds, several at once. */
const DEFAULT_HEALTH_LIMIT: RateLimit = { max: 600, timeWindowMs: 60_000 };
/** Throttles password guessing; still lets a whole shift sign in from one office NAT. */
const DEFAULT_LOGIN_LIMIT: RateLimit = { max: 60, timeWindowMs: 60_000 };
/**
 * Cases from the public web form: a citizen files one or two; a bot files hundreds.
 * Not lower, as many citizens share one address behind a mobile carrier's NAT.
 */
const DEFAULT_PUBLIC_LIMIT: RateLimit = { max: 20, timeWindowMs: 10 * 60_000 };
/** Status lookups by tracking number: a citizen checks a few; guessing numbers needs thousands. */
const DEFAULT_STATUS_LIMIT: RateLimit = { max: 30, timeWindowMs: 60_000 };
/** The public FAQ: a citizen reads and searches a page or two a minute; a scraper pulls it all the time. */
const DEFAULT_FAQ_LIMIT: RateLimit = { max: 60, timeWindowMs: 60_000 };

/** METRICS_TOKEN: the scraper sends it as a bearer token; nothing else reads the metrics. */
function requireScrapeToken(scope: FastifyInstance, token: string): void {
  const matches = secretMatcher([token]);
  scope.addHook('onRequest', async (request, reply) => {
    const given = bearerToken(request.headers.authorization);
    if (given === null || matches(given) !== 0) {
      reply.header('www-authenticate', 'Bearer');
      throw hotlineError('HOTLINE_ERR_UNAUTHORIZED', 'GET /metrics needs the METRICS_TOKEN as a bearer token');
    }
  });
}

export async function buildServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: requestLogger(deps.logger),
    bodyLimit: BODY_LIMIT,
    // An undecodable URL fails before routing: Open311 clients still get the spec's error list.
    frameworkErrors: (err, request, reply) =>
      request.url.startsWith(`${OPEN311_ROOT}/`) ? handleOpen311Error(err, request, reply) : frameworkErrors(err, request, reply),
    ajv: AJV_OPTIONS,
    clientErrorHandler,
    trustProxy: deps.trustProxy ?? false,
    // A caller's request id is kept (to follow a request across services) only when it is harmless to log.
    genReqId: (req) => {
      const given = req.headers[REQUEST_ID_HEADER];
      return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });

  registerEventStreams(app, deps.streamLimits);
  registerErrorHandling(app);
  strictInputs(app);
  await registerSecurityHeaders(app);
  await registerDocs(app, { serve: deps.docsEnabled ?? true });
  await app.register(webPageRoutes());

  await app.register(
    async (health) => {
      await limitRequests(health, { limit: deps.healthRateLimit ?? DEFAULT_HEALTH_LIMIT, name: 'health' });
      await health.register(healthRoutes(deps));
    },
    { prefix: '/api' },
  );
  const metrics = deps.metrics;
  if (metrics) {
    await app.register(async (scrape) => {
      // Scrapers poll like health monitors: the same generous budget, kept apart from the API's.
      await limitRequests(scrape, { limit: deps.healthRateLimit ?? DEFAULT_HEALTH_LIMIT, name: 'metrics' });
      if (deps.metricsToken) requireScrapeToken(scrape, deps.metricsToken);
      await scrape.register(metricsRoutes({ metrics, healthWarnings: deps.healthWarnings }));
    });
  }
  // Public and webhook routes: outside the bearer-token scope, each with its own limit.
  const apiLimit = deps.rateLimit ?? DEFAULT_API_LIMIT;
  /** A limit whose counters every instance of this deployment shares through Redis. */
  const limitShared = (scope: FastifyInstance, limit: RateLimit, name: string) =>
    limitRequests(scope, { limit, name, redis: deps.rateLimitRedis, prefix: deps.rateLimitPrefix });
  await app.register(async (page) => {
    await limitShared(page, apiLimit, 'report-page');
    allowReportPage(page);
    await page.register(reportPageRoutes());
  });
  await app.register(
    async (web) => {
      await limitShared(web, deps.publicRateLimit ?? DEFAULT_PUBLIC_LIMIT, 'public');
      await web.register(publicCaseRoutes(deps));
    },
    { prefix: '/api' },
  );
  await app.register(
    async (status) => {
      await limitShared(status, deps.publicStatusRateLimit ?? DEFAULT_STATUS_LIMIT, 'public-status');
      await status.register(publicStatusRoutes(deps));
    },
    { prefix: '/api' },
  );
  const knowledge = deps.knowledge;
  if (knowledge) {
    await app.register(
      async (faq) => {
        await limitShared(faq, deps.publicFaqRateLimit ?? DEFAULT_FAQ_LIMIT, 'public-faq');
        await faq.register(publicFaqRoutes({ knowledge }));
      },
      { prefix: '/api' },
    );
  }
  await app.register(
    async (sms) => {
      await limitShared(sms, apiLimit, 'sms');
      await sms.register(smsRoutes(deps));
    },
    { prefix: '/api' },
  );
  await app.register(
    async (open311) => {
      await limitShared(open311, apiLimit, 'open311');
      await open311.register(open311Routes(deps));
    },
    { prefix: OPEN311_ROOT },
  );
  await app.register(
    async (login) => {
      await limitShared(login, deps.loginRateLimit ?? DEFAULT_LOGIN_LIMIT, 'login');
      await login.register(loginRoutes(deps));
    },
    { prefix: '/api' },
  );
  await app.register(async (pages) => {
    await limitShared(pages, apiLimit, 'pages');
    await pages.register(reportPages());
  });
  const sessionAuthenticator: Authenticate = async (token) => {
    const user = await deps.accounts.auth.authenticate(token);
    return user ? { id: user.id, role: user.role, district: user.district } : null;
  };
  await app.register(
    async (api) => {
      await limitShared(api, apiLimit, 'api');
      protect(api, adminTokenAuthenticator(deps.adminToken, deps.authenticate ?? sessionAuthenticator));
      await api.register(sessionRoutes(deps));
      await api.register(userRoutes(deps));
      await api.register(caseRoutes(deps));
      await api.register(caseWorkspaceRoutes(deps));
      await api.register(organisationRoutes(deps));
      if (deps.agents && deps.callCases) {
        await api.register(agentRoutes({ agents: deps.agents }));
        await api.register(callRoutes({ callCases: deps.callCases }));
      }
      if (deps.supervisors) await api.register(supervisorRoutes({ supervisors: deps.supervisors }));
      if (deps.liveStats) await api.register(queueStatsRoutes({ liveStats: deps.liveStats, overdue: deps.overdue }));
      await api.register(hoursRoutes(deps));
      await api.register(dispatchRoutes(deps));
      await api.register(surveyRoutes(deps));
      await api.register(reportRoutes(deps));
      if (deps.callRecordings) await api.register(recordingRoutes({ ...deps, callRecordings: deps.callRecordings }));
      if (deps.quality) await api.register(qualityRoutes({ quality: deps.quality }));
      if (knowledge) await api.register(knowledgeRoutes({ knowledge }));
    },
    { prefix: '/api' },
  );

  return app;
}
