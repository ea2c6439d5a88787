import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { hotlineError } from '../../../domain/errors.js';
import { principalOf, requireRole } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';

const JobParams = Type.Object({
  jobId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$', examples: ['case-6f1c…-district-7'] }),
});

const Retried = Type.Object(
  {
    jobId: Type.String(),
    caseId: Type.String(),
    trackingNumber: Type.Union([Type.String(), Type.Null()]),
    state: Type.Literal('waiting'),
  },
  { title: 'DispatchRetry', description: 'The job is queued again' },
);

export function dispatchRoutes(deps: Pick<HttpDeps, 'dispatch'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/dispatch/:jobId/retry',
      {
        schema: {
          summary: 'Retry a district delivery that failed for good',
          description:
            'The job id is `case-<case id>-district-<n>`. Only a failed job can be retried (409 otherwise); ' +
            'the case loses its dispatch-failed flag and gets a `dispatch_retried` event.',
          tags: ['dispatch'],
          params: JobParams,
          response: { 200: Retried, ...errorResponses(403, 404, 409) },
        },
        preHandler: requireRole('admin', 'supervisor'),
      },
      async (request) => {
        if (!deps.dispatch) throw hotlineError('HOTLINE_ERR_DEPENDENCY_DOWN', 'Dispatch is not running');
        const result = await deps.dispatch.retry(request.params.jobId, principalOf(request).id);
        return { ...result, state: 'waiting' as const };
      },
    );
  };
}
