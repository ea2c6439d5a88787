import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { BEARER_SCHEME } from './auth.js';
import { allowDocsPage } from './security-headers.js';

/** OpenAPI from the routes' TypeBox schemas: UI at /docs, the document at /docs/json. */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'hotline-137',
        description: "API of Tehran's 137 citizen hotline: cases, recordings, office hours.",
        version: '0.1.0',
      },
      tags: [
        { name: 'health', description: 'Liveness of the service and what it depends on' },
        { name: 'cases', description: 'Citizen reports and their history' },
        { name: 'hours', description: 'Office hours and supervisor overrides' },
        { name: 'reports', description: 'Call and case performance over a Jalali period (JSON or CSV)' },
      ],
      components: {
        securitySchemes: {
          [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', description: 'HOTLINE_ADMIN_TOKEN or a user token' },
        },
      },
    },
  });
  // A scope of its own so the page's looser CSP reaches the UI routes and nothing else.
  await app.register(async (docs) => {
    allowDocsPage(docs);
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });
}
