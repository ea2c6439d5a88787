import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { NewCaseMedia } from '../../../domain/cases/media.js';
import { PHOTO_EXTENSIONS, preparePhoto } from '../../../domain/cases/photo.js';
import { TextBlock, TextLine } from '../input-schema.js';
import { generateTrackingNumber } from '../../../domain/cases/tracking-number.js';
import { STATUS_FA, toPersianDigits } from '../../../domain/cases/wording.js';
import { hotlineError } from '../../../domain/errors.js';
import { maskPhone, normalizePhone } from '../../../domain/phone.js';
import {
  HONEYPOT_FIELD,
  PHOTO_FIELD,
  REPORT_CSS,
  WEB_MAX_PHOTOS,
  REPORT_HTML,
  REPORT_JS,
  REPORT_PATH,
  REPORT_SCRIPT_PATH,
  REPORT_STYLE_PATH,
} from '../../../web/report-page.js';
import { Category, District, Status, TrackingNumber } from '../case-dto.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { acceptMultipartBodies, type UploadedFile } from '../multipart.js';
import { normalizePhoneOrFail } from '../phone.js';

const DEFAULT_PHOTO_MAX_BYTES = 5 * 1024 * 1024;

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

/**
 * The form's photos checked (type sniffed from the bytes, size capped), stripped of their
 * metadata and stored; the case's rows for them. Nothing is stored unless all pass.
 */
async function storePhotos(files: UploadedFile[], deps: Pick<HttpDeps, 'photos'>, maxBytes: number): Promise<NewCaseMedia[]> {
  if (files.length === 0) return [];
  const refuse = (reason: string, message: string) => {
    throw hotlineError('HOTLINE_ERR_VALIDATION', message, { field: PHOTO_FIELD, reason, maxBytes, maxPhotos: WEB_MAX_PHOTOS });
  };
  if (!deps.photos) refuse('not_accepted', 'Photos are not accepted on this server');
  if (files.length > WEB_MAX_PHOTOS) refuse('too_many', `At most ${WEB_MAX_PHOTOS} photos`);
  const prepared = files.map((f) => {
    const photo = preparePhoto(f.data, maxBytes);
    if (!photo.ok) {
      if (photo.reason === 'too_large') refuse('too_large', `${f.filename} is larger than ${maxBytes} bytes`);
      refuse('not_an_image', `${f.filename} is not a JPEG, PNG or WebP image`);
    }
    return photo as Extract<typeof photo, { ok: true }>;
  });
  const rows: NewCaseMedia[] = [];
  for (const photo of prepared) {
    const key = `photo-${randomUUID()}.${PHOTO_EXTENSIONS[photo.type]}`;
    await deps.photos!.save(key, Buffer.from(photo.data));
    rows.push({ source: 'web', storedKey: key, contentType: photo.type, bytes: photo.data.length, lat: photo.point?.lat ?? null, long: photo.point?.long ?? null });
  }
  return rows;
}

/** POST /public/cases: what the web form sends. Rate limited per IP by the enclosing scope. */
export function publicCaseRoutes(deps: Pick<HttpDeps, 'cases' | 'photos' | 'photoMaxBytes'>): FastifyPluginAsyncTypebox {
  const photoMaxBytes = deps.photoMaxBytes ?? DEFAULT_PHOTO_MAX_BYTES;
  return async (app) => {
    // The form with photos comes as multipart/form-data (its text fields as strings).
    acceptMultipartBodies(app, WEB_MAX_PHOTOS * photoMaxBytes + 256 * 1024);
    app.post(
      '/public/cases',
      {
        schema: {
          summary: "Register a citizen's case (web form)",
          description:
            `Public, no token; channel \`web\`. Rate limited per address, more strictly than the API. ` +
            `JSON, or multipart/form-data with up to ${WEB_MAX_PHOTOS} \`${PHOTO_FIELD}\` file parts (JPEG, PNG or WebP, sniffed ` +
            `from the bytes, each at most PHOTO_MAX_BYTES; EXIF and other metadata stripped before storing; the first ` +
            `photo's EXIF GPS position becomes the case's point). A refused photo is a 400 naming the field \`${PHOTO_FIELD}\` ` +
            `with \`details.reason\` (not_an_image, too_large, too_many) and nothing is stored. ` +
            `\`${HONEYPOT_FIELD}\` must be absent or empty: a filled one is answered like a success and nothing is created.`,
          tags: ['public'],
          consumes: ['application/json', 'multipart/form-data'],
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
        const callerPhone = normalizePhoneOrFail(phone, 'body', 'phone');
        const uploads = request.uploads ?? [];
        const strange = uploads.find((f) => f.field !== PHOTO_FIELD);
        if (strange) throw hotlineError('HOTLINE_ERR_VALIDATION', `Unexpected file field ${strange.field}`, { field: strange.field });
        const media = await storePhotos(uploads, deps, photoMaxBytes);
        // The form asks for no position: a phone camera's EXIF gives one (and routes the case).
        const point = media.find((m) => m.lat != null && m.long != null);
        const created = await deps.cases.create({
          channel: 'web',
          category,
          district: district ?? null,
          address: address.trim(),
          description: description.trim(),
          callerPhone,
          lat: point?.lat ?? null,
          long: point?.long ?? null,
          media,
          actor: 'web',
        });
        request.log.info({ trackingNumber: created.trackingNumber, photos: media.length }, 'case created from the web form');
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
