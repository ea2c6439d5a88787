import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { BEARER_SCHEME } from './auth.js';
import { allowDocsPage } from './security-headers.js';

/**
 * OpenAPI from the routes' TypeBox schemas: UI at /docs, the document at /docs/json.
 * With `serve: false` (DOCS_ENABLED=false) the document is still built (app.swagger())
 * but not served: a public deployment need not publish its whole API surface.
 */
export async function registerDocs(app: FastifyInstance, options: { serve: boolean } = { serve: true }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'hotline-137',
        description: "API of Tehran's 137 citizen hotline: cases, recordings, office hours, agents, district dispatch, and the web, SMS and Open311 channels.",
        version: '0.1.0',
      },
      tags: [
        { name: 'health', description: 'Liveness of the service and what it depends on' },
        { name: 'cases', description: 'Citizen reports and their history' },
        { name: 'hours', description: 'Office hours and supervisor overrides' },
        { name: 'auth', description: 'Signing in and out' },
        { name: 'users', description: 'Accounts (admins)' },
        { name: 'agents', description: 'Agent state, phones and the agent desktop stream' },
        { name: 'supervisors', description: "Supervisors' listening phones" },
        { name: 'calls', description: 'Cases taken during a call' },
        { name: 'dispatch', description: 'Delivery of cases to the districts' },
        { name: 'public', description: "The citizens' web form (no token)" },
        { name: 'channels', description: 'Webhooks of other channels (SMS gateway)' },
        { name: 'open311', description: 'Open311 GeoReport v2 (JSON), for civic apps' },
        { name: 'reports', description: 'Call and case performance over a Jalali period (JSON or CSV)' },
        { name: 'knowledge', description: "The agents' knowledge base: articles, Persian search, screen-pop suggestions, votes, articles used on calls" },
      ],
      components: {
        securitySchemes: {
          [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', description: 'HOTLINE_ADMIN_TOKEN or a user token' },
          smsWebhookToken: { type: 'http', scheme: 'bearer', description: 'SMS_WEBHOOK_TOKEN (or the X-Webhook-Token header)' },
        },
      },
    },
  });
  if (!options.serve) return;
  // A scope of its own so the page's looser CSP reaches the UI routes and nothing else.
  await app.register(async (docs) => {
    allowDocsPage(docs);
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });
}
