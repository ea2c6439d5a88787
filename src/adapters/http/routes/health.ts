import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HEALTH_CHECKS, type HealthChecks, type HttpDeps } from '../deps.js';
import { allWarnings } from '../../../services/metrics.js';

const HealthBody = Type.Object(
  {
    status: Type.Enum(['ok', 'degraded']),
    checks: Type.Object({
      database: Type.Boolean(),
      redis: Type.Boolean(),
      ari: Type.Boolean(),
      ami: Type.Boolean(),
    }),
    lease: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean({ description: 'STANDBY_ENABLED: several engines share the ARI app through a lease in Redis' }),
          holder: Type.Boolean({ description: 'This engine holds the lease and drives the calls (a single engine always does)' }),
          instanceId: Type.Union([Type.String(), Type.Null()], { description: 'INSTANCE_ID of this engine; null for a single engine' }),
          token: Type.Union([Type.Integer(), Type.Null()], { description: 'Fencing token of the lease held; null when not holding it' }),
        },
        { description: 'The ARI lease of a standby pair' },
      ),
    ),
    nodes: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ description: 'The node name (ASTERISK_NODE_NAME, or one of ASTERISK_NODES)' }),
            ari: Type.Boolean({ description: "The node's ARI app is connected (or another engine of a standby pair drives it)" }),
            ami: Type.Boolean({ description: "The node's AMI is connected" }),
            driving: Type.Boolean({ description: "This engine drives the node's calls (holds its lease, or there is no standby)" }),
            callers: Type.Integer({ minimum: 0, description: "Callers in this engine's IVR on the node now" }),
            waiting: Type.Integer({ minimum: 0, description: "Callers waiting in the node's queues now" }),
          },
          { title: 'NodeHealth' },
        ),
        { description: 'Every Asterisk node the engine attaches to, the first one first. With several, `checks.ari`/`checks.ami` are true while at least one node is up, and a node down is named in `warnings`.' },
      ),
    ),
    warnings: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'Misconfigurations that lose data on a fault (Redis without AOF, or evicting keys) but do not stop the service; present when not empty',
      }),
    ),
  },
  { title: 'Health' },
);

const ALL_DOWN: HealthChecks = { database: false, redis: false, ari: false, ami: false };

export function healthRoutes(deps: Pick<HttpDeps, 'health' | 'healthWarnings' | 'lease' | 'nodes'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/health',
      {
        schema: {
          summary: 'Service health',
          description:
            '200 only when the database, Redis, ARI and AMI are all up; 503 otherwise. `warnings` name risks an operator should fix (they do not turn 200 into 503). Public.',
          tags: ['health'],
          security: [],
          response: {
            200: { ...HealthBody, description: 'Everything is up' },
            503: { ...HealthBody, description: 'At least one dependency is down' },
          },
        },
      },
      async (request, reply) => {
        let checks: HealthChecks;
        try {
          checks = await deps.health();
        } catch (err) {
          // A health probe that cannot even run means nothing can be vouched for.
          request.log.error({ err }, 'health check failed');
          checks = ALL_DOWN;
        }
        const ok = HEALTH_CHECKS.every((name) => checks[name] === true);
        // A risk, not an outage: a balancer must not take a working engine out for it.
        const warnings = allWarnings(deps.healthWarnings?.() ?? {});
        return reply
          .code(ok ? 200 : 503)
          .send({ status: ok ? 'ok' : 'degraded', checks, ...(deps.lease ? { lease: deps.lease() } : {}), ...(deps.nodes ? { nodes: deps.nodes() } : {}), ...(warnings.length > 0 ? { warnings: [...warnings] } : {}) });
      },
    );
  };
}
