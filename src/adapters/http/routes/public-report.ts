import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { TextBlock, TextLine } from '../input-schema.js';
import { generateTrackingNumber } from '../../../domain/cases/tracking-number.js';
import { STATUS_FA, toPersianDigits } from '../../../domain/cases/wording.js';
import { hotlineError } from '../../../domain/errors.js';
import { maskPhone, normalizePhone } from '../../../domain/phone.js';
import {
  HONEYPOT_FIELD,
  REPORT_CSS,
  REPORT_HTML,
  REPORT_JS,
  REPORT_PATH,
  REPORT_SCRIPT_PATH,
  REPORT_STYLE_PATH,
} from '../../../web/report-page.js';
import { Category, District, Status, TrackingNumber } from '../case-dto.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { normalizePhoneOrFail } from '../phone.js';

const text = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: Type.String() } },
});

/** The citizens' form page and its two assets (public, no token). */
export function reportPageRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const assets: [string, string, string, string][] = [
      [REPORT_PATH, 'text/html; charset=utf-8', REPORT_HTML, 'The web form for citizens (Persian)'],
      [REPORT_SCRIPT_PATH, 'text/javascript; charset=utf-8', REPORT_JS, "The form's script"],
      [REPORT_STYLE_PATH, 'text/css; charset=utf-8', REPORT_CSS, "The form's style sheet"],
    ];
    for (const [url, type, body, summary] of assets) {
      app.get(
        url,
        {
          schema: {
            summary,
            tags: ['public'],
            hide: url !== REPORT_PATH,
            response: { 200: text(type.split(';')[0]!, summary) },
          },
        },
        async (_request, reply) => reply.type(type).header('cache-control', 'no-cache').send(body),
      );
    }
  };
}

const PublicCase = Type.Object(
  {
    category: Category,
    district: Type.Optional(District),
    address: TextLine({ minLength: 1, maxLength: 500, pattern: '\\S' }),
    description: TextBlock({ minLength: 1, maxLength: 4000, pattern: '\\S' }),
    phone: TextLine({ minLength: 1, maxLength: 32, examples: ['09121234567'] }),
    [HONEYPOT_FIELD]: Type.Optional(TextLine({ maxLength: 500, description: 'Must stay empty (a trap for bots)' })),
  },
  { additionalProperties: false },
);

const Registered = Type.Object(
  {
    trackingNumber: TrackingNumber,
    message: Type.String({ description: 'Persian confirmation to show the citizen' }),
  },
  { description: 'The case is registered' },
);

const confirmation = (trackingNumber: string) =>
  `درخواست شما با کد رهگیری ${toPersianDigits(trackingNumber)} ثبت شد.`;

/** POST /public/cases: what the web form sends. Rate limited per IP by the enclosing scope. */
export function publicCaseRoutes(deps: Pick<HttpDeps, 'cases'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/public/cases',
      {
        schema: {
          summary: "Register a citizen's case (web form)",
          description:
            `Public, no token; channel \`web\`. Rate limited per address, more strictly than the API. ` +
            `\`${HONEYPOT_FIELD}\` must be absent or empty: a filled one is answered like a success and nothing is created.`,
          tags: ['public'],
          body: PublicCase,
          response: { 201: Registered, ...errorResponses(400, 413) },
        },
        // Before validation: a bot gets its "success" however wrong the rest of its form is.
        preValidation: async (request, reply) => {
          const body = request.body as Record<string, unknown> | undefined;
          const trap = body?.[HONEYPOT_FIELD];
          if (typeof trap === 'string' && trap.trim() !== '') {
            const phone = typeof body?.phone === 'string' ? normalizePhone(body.phone) : null;
            request.log.warn({ ip: request.ip, phone: maskPhone(phone) }, 'web form honeypot filled: nothing created');
            const fake = generateTrackingNumber();
            return reply.code(201).send({ trackingNumber: fake, message: confirmation(fake) });
          }
        },
      },
      async (request, reply) => {
        const { category, district, address, description, phone } = request.body;
        const created = await deps.cases.create({
          channel: 'web',
          category,
          district: district ?? null,
          address: address.trim(),
          description: description.trim(),
          callerPhone: normalizePhoneOrFail(phone, 'body', 'phone'),
          actor: 'web',
        });
        request.log.info({ trackingNumber: created.trackingNumber }, 'case created from the web form');
        return reply.code(201).send({ trackingNumber: created.trackingNumber, message: confirmation(created.trackingNumber) });
      },
    );
  };
}

const PublicStatus = Type.Object(
  {
    trackingNumber: TrackingNumber,
    status: Status,
    statusText: Type.String({ description: 'The status in Persian, as the IVR and the SMS replies word it' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { description: 'Status and dates only: nothing about the caller or the place' },
);

/** GET /public/cases/:trackingNumber/status: the web form's status lookup. Rate limited per IP by the enclosing scope. */
export function publicStatusRoutes(deps: Pick<HttpDeps, 'cases'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/public/cases/:trackingNumber/status',
      {
        schema: {
          summary: 'The status of a case by its tracking number (public)',
          description:
            'No token. Answers the status and its dates, nothing personal; an unknown number is 404. ' +
            'Rate limited per address, as the number is all a caller needs.',
          tags: ['public'],
          params: Type.Object({ trackingNumber: TrackingNumber }, { additionalProperties: false }),
          response: { 200: PublicStatus, ...errorResponses(400, 404) },
        },
      },
      async (request) => {
        const found = await deps.cases.findByTrackingNumber(request.params.trackingNumber);
        if (!found) throw hotlineError('HOTLINE_ERR_CASE_NOT_FOUND', undefined, { trackingNumber: request.params.trackingNumber });
        return {
          trackingNumber: found.trackingNumber,
          status: found.status,
          statusText: STATUS_FA[found.status],
          createdAt: found.createdAt.toISOString(),
          updatedAt: found.updatedAt.toISOString(),
        };
      },
    );
  };
}
