import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { TextBlock, TextLine } from '../input-schema.js';
import { CASE_CATEGORIES, DISTRICT_COUNT, type Case } from '../../../domain/cases/case.js';
import {
  MAX_PAGE_SIZE,
  OPEN311_STATUSES,
  SERVICE_NOTICE,
  discoveryDocument,
  isServiceCode,
  open311Services,
  parseListQuery,
  parseNewRequest,
  serviceDefinition,
  toServiceRequest,
  type Open311Error,
} from '../../../domain/channels/open311.js';
import { toXml } from '../../../domain/channels/open311-xml.js';
import { isValidTrackingNumber } from '../../../domain/cases/tracking-number.js';
import type { NewCaseMedia } from '../../../domain/cases/media.js';
import { PHOTO_EXTENSIONS, PHOTO_TYPES, preparePhoto } from '../../../domain/cases/photo.js';
import { acceptMultipartBodies, type UploadedFile } from '../multipart.js';
import { isHotlineError } from '../../../domain/errors.js';
import { maskPhone, toAsciiDigits } from '../../../domain/phone.js';
import { nullable } from '../case-dto.js';
import type { HttpDeps } from '../deps.js';
import { acceptFormBodies } from '../form-body.js';
import { databaseClientError } from '../errors.js';
import { RATE_LIMIT_HEADERS } from '../rate-limit.js';
import { secretLabel, secretMatcher } from '../shared-secret.js';
import { allowCrossOriginResources } from '../security-headers.js';

/**
 * Open311 GeoReport v2 in both of its formats (`.json` and `.xml` resources), so civic
 * apps can file and follow cases: FixMyStreet's Open311 module speaks only XML,
 * Bloomington's GeoReporter only JSON. Errors use the spec's shape, a list of
 * `{ code, description }` (`<errors><error>…` in XML), not the API's `{ error }`: Open311
 * clients parse that.
 */

const PhotoStream = Type.Unsafe<NodeJS.ReadableStream>({ type: 'string', format: 'binary' });

/** Photos one request may carry, and their default size cap (PHOTO_MAX_BYTES). */
const MAX_PHOTOS = 5;
const DEFAULT_PHOTO_MAX_BYTES = 5 * 1024 * 1024;

/** The two formats of every resource, by file extension. */
const FORMATS = ['json', 'xml'] as const;
type Format = (typeof FORMATS)[number];

const formatOf = (url: string): Format => (url.split('?')[0]!.endsWith('.xml') ? 'xml' : 'json');

/** The document in the format the client asked for: JSON through the route's schema, XML as text. */
function respond(reply: FastifyReply, format: Format, root: string, value: unknown) {
  if (format === 'json') return reply.send(value);
  return reply.type('text/xml; charset=utf-8').send(toXml(root, value));
}

const ServiceCode = Type.Enum(CASE_CATEGORIES, { description: 'A case category' });

const ErrorList = (description: string) =>
  Type.Array(Type.Object({ code: Type.Integer(), description: Type.String() }), {
    title: 'Open311Errors',
    description,
  });

const ERRORS = {
  400: ErrorList('Invalid request'),
  403: ErrorList('api_key missing or not valid, or posting not enabled'),
  404: ErrorList('No such service or request'),
  413: ErrorList('Body too large'),
  415: ErrorList('Neither form-encoded nor JSON'),
  429: { ...ErrorList('Too many requests from this address; see Retry-After'), headers: RATE_LIMIT_HEADERS },
};
const errors = (...statuses: (keyof typeof ERRORS)[]) => Object.fromEntries(statuses.map((s) => [s, ERRORS[s]]));

const Service = Type.Object(
  {
    service_code: ServiceCode,
    service_name: Type.String(),
    description: Type.String(),
    metadata: Type.Boolean(),
    type: Type.Literal('realtime'),
    keywords: Type.String(),
    group: Type.String(),
  },
  { title: 'Open311Service' },
);

const ServiceDefinition = Type.Object(
  {
    service_code: ServiceCode,
    attributes: Type.Array(
      Type.Object({
        variable: Type.Boolean(),
        code: Type.String(),
        datatype: Type.String(),
        required: Type.Boolean(),
        datatype_description: Type.String(),
        order: Type.Integer(),
        description: Type.String(),
        values: Type.Array(Type.Object({ key: Type.String(), name: Type.String() })),
      }),
    ),
  },
  { title: 'Open311ServiceDefinition' },
);

const IsoDate = Type.String({ format: 'date-time' });

const ServiceRequest = Type.Object(
  {
    service_request_id: Type.String({ description: 'The case tracking number' }),
    status: Type.Enum(OPEN311_STATUSES),
    status_notes: nullable(Type.String({ description: 'The note given when the case was resolved; internal notes are never published' })),
    service_name: nullable(Type.String()),
    service_code: nullable(ServiceCode),
    description: nullable(Type.String()),
    agency_responsible: Type.String({ description: 'The district (e.g. «منطقه ۷»), or the hotline before routing' }),
    service_notice: nullable(Type.String()),
    requested_datetime: IsoDate,
    updated_datetime: IsoDate,
    expected_datetime: nullable(IsoDate),
    address: nullable(Type.String()),
    address_id: nullable(Type.String()),
    zipcode: nullable(Type.String()),
    lat: nullable(Type.Number()),
    long: nullable(Type.Number()),
    media_url: nullable(Type.String({ description: 'A photo of the request: one sent with it, or the link its client gave; never a voice recording' })),
  },
  { title: 'Open311ServiceRequest' },
);

const Text = (maxLength: number) => Type.Optional(TextLine({ maxLength }));

const NewRequest = Type.Object(
  {
    api_key: Text(200),
    jurisdiction_id: Text(200),
    service_code: Text(64),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90, description: 'JSON `null` counts as absent' })),
    long: Type.Optional(Type.Number({ minimum: -180, maximum: 180, description: 'JSON `null` counts as absent' })),
    address_string: Text(500),
    address_id: Text(200),
    email: Text(200),
    device_id: Text(200),
    account_id: Text(200),
    first_name: Text(200),
    last_name: Text(200),
    phone: Type.Optional(TextLine({ maxLength: 40, description: 'An Iranian number is the case\'s phone; any other is kept for staff as given' })),
    description: Type.Optional(TextBlock({ maxLength: 4000 })),
    media_url: Type.Optional(
      Type.Union([TextLine({ maxLength: 2000 }), Type.Array(TextLine({ maxLength: 2000 }), { maxItems: 10 })], {
        description: 'A link to a photo (kept, not fetched); repeated for several',
      }),
    ),
    attribute: Type.Optional(
      Type.Record(Type.String(), TextLine({ maxLength: 200 }), {
        description: `Form: \`attribute[district]=7\`. The one attribute is \`district\` (1..${DISTRICT_COUNT}).`,
      }),
    ),
  },
  {
    description:
      'As `application/x-www-form-urlencoded` (what Open311 clients send) or JSON. ' +
      'A location is required: `lat` and `long`, or `address_string`. `email`, `first_name`, `last_name` and `phone` ' +
      'are kept for staff and never published.',
  },
);

const Created = Type.Array(
  Type.Object({ service_request_id: Type.String(), service_notice: Type.String(), account_id: Type.Null() }),
  { description: 'The new request' },
);

/** `api_key` is needed only to file, but clients send it with every call: it is taken and not read. */
const ListQuery = Type.Object({
  api_key: Text(200),
  jurisdiction_id: Text(200),
  service_request_id: Type.Optional(
    TextLine({ maxLength: 2000, description: 'Comma-separated tracking numbers; other filters are then ignored' }),
  ),
  service_code: Type.Optional(TextLine({ maxLength: 1000, description: 'One service code, or several comma-separated' })),
  start_date: Type.Optional(TextLine({ maxLength: 40, description: 'ISO 8601 with a time zone' })),
  end_date: Type.Optional(TextLine({ maxLength: 40, description: 'ISO 8601 with a time zone' })),
  status: Type.Optional(TextLine({ maxLength: 20, description: '`open`, `closed` or `open,closed`' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Page of the list, from 1 (an extension: the spec has no paging)' })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: `Requests per page, at most ${MAX_PAGE_SIZE} (the default)` })),
});

const Discovery = Type.Object(
  {
    changeset: Type.String(),
    contact: Type.String(),
    key_service: Type.String(),
    endpoints: Type.Array(
      Type.Object({
        specification: Type.String(),
        url: Type.String(),
        changeset: Type.String(),
        type: Type.String(),
        formats: Type.Array(Type.String()),
      }),
    ),
  },
  { title: 'Open311Discovery', description: 'Where the GeoReport v2 endpoint is and what it speaks' },
);

const JurisdictionQuery = Type.Object({ api_key: Text(200), jurisdiction_id: Text(200) });

class Open311Failure extends Error {
  constructor(readonly error: Open311Error) {
    super(error.description);
  }
}

function fail(code: number, description: string): never {
  throw new Open311Failure({ code, description });
}

/** Where Open311 is served (the discovery document); its errors, even those before routing, are the spec's list. */
export const OPEN311_ROOT = '/open311';
/** Where GeoReport v2 is served. */
export const OPEN311_PREFIX = `${OPEN311_ROOT}/v2`;

/** Every error of the scope, ours and Fastify's, as the spec's list. */
export function handleOpen311Error(err: FastifyError | Open311Failure, request: FastifyRequest, reply: FastifyReply) {
  let error: Open311Error;
  if (err instanceof Open311Failure) {
    error = err.error;
  } else if (isHotlineError(err)) {
    error = { code: err.statusCode, description: err.message };
  } else if (err.validation) {
    error = { code: 400, description: err.message };
  } else if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    error = { code: err.statusCode, description: err.message };
  } else {
    const refused = databaseClientError(err);
    if (refused) {
      request.log.warn({ sqlState: refused.sqlState }, 'database refused a value from the request');
      error = { code: refused.statusCode, description: refused.message };
    } else {
      request.log.error({ err }, 'unhandled error');
      error = { code: 500, description: 'Internal server error' };
    }
  }
  if (error.code < 500) request.log.info({ code: error.code }, error.description);
  reply.code(error.code);
  if (formatOf(request.url) === 'xml') return reply.type('text/xml; charset=utf-8').send(toXml('errors', [error]));
  return reply.type('application/json; charset=utf-8').send([error]);
}

export function open311Routes(
  deps: Pick<HttpDeps, 'cases' | 'open311ApiKeys' | 'open311CorsOrigins' | 'now' | 'photos' | 'photoMaxBytes' | 'recordings'>,
): FastifyPluginAsyncTypebox {
  const photoMaxBytes = deps.photoMaxBytes ?? DEFAULT_PHOTO_MAX_BYTES;
  const keys = deps.open311ApiKeys ?? [];
  const matchKey = secretMatcher(keys);
  const origins = new Set(deps.open311CorsOrigins ?? []);
  const anyOrigin = origins.has('*');

  return async (app) => {
    app.decorateRequest('open311Client', undefined);
    app.setErrorHandler(handleOpen311Error);
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0];
      return handleOpen311Error(
        new Open311Failure({ code: 404, description: `${request.method} ${path} is not a GeoReport v2 resource (.json or .xml)` }),
        request,
        reply,
      );
    });
    acceptFormBodies(app);
    // GeoReporter sends its photo as a `media` part, FixMyStreet as `photo1`, `photo2`…
    acceptMultipartBodies(app, MAX_PHOTOS * photoMaxBytes + 256 * 1024);
    allowCrossOriginResources(app);

    /** The uploads checked, stripped and stored; the case's rows for them. */
    const storeUploads = async (files: UploadedFile[]): Promise<NewCaseMedia[]> => {
      if (files.length === 0) return [];
      if (!deps.photos) fail(400, 'media uploads are not accepted on this server');
      if (files.length > MAX_PHOTOS) fail(400, `at most ${MAX_PHOTOS} media files`);
      const prepared = files.map((f) => {
        const photo = preparePhoto(f.data, photoMaxBytes);
        if (!photo.ok) {
          if (photo.reason === 'too_large') fail(413, `${f.field} is larger than ${photoMaxBytes} bytes`);
          fail(400, `${f.field} is not a JPEG, PNG or WebP image`);
        }
        return photo;
      });
      const rows: NewCaseMedia[] = [];
      for (const photo of prepared) {
        const key = `photo-${randomUUID()}.${PHOTO_EXTENSIONS[photo.type]}`;
        await deps.photos!.save(key, Buffer.from(photo.data));
        rows.push({ source: 'open311', storedKey: key, contentType: photo.type, bytes: photo.data.length, lat: photo.point?.lat ?? null, long: photo.point?.long ?? null });
      }
      return rows;
    };

    // CORS for civic web apps on the origins OPEN311_CORS_ORIGINS lists; no credentials
    // are involved (the api_key travels in the request), so nothing else is allowed.
    app.addHook('onRequest', async (request, reply) => {
      const origin = request.headers.origin;
      if (origin === undefined || !(anyOrigin || origins.has(origin))) return;
      reply.header('access-control-allow-origin', anyOrigin ? '*' : origin);
      if (!anyOrigin) reply.header('vary', 'Origin');
    });
    app.options(
      '/*',
      { schema: { summary: 'CORS preflight', tags: ['open311'], hide: true } },
      async (request, reply) => {
        const origin = request.headers.origin;
        if (origin !== undefined && (anyOrigin || origins.has(origin))) {
          reply
            .header('access-control-allow-methods', 'GET, POST')
            .header('access-control-allow-headers', 'Content-Type')
            .header('access-control-max-age', '600');
        }
        return reply.code(204).send();
      },
    );

    /**
     * A photo of the request for its public page. Never the voice recording: that needs
     * a staff token (a citizen's voice is not published), so linking it only showed apps a 401.
     */
    const mediaUrls = async (request: FastifyRequest, found: Case[]): Promise<Map<string, string>> => {
      const urls = new Map<string, string>();
      const media = await deps.cases.media(found.map((c) => c.id));
      // A photo sent with the request (served below), else the first link its client gave.
      for (const m of media) {
        if (!urls.has(m.caseId) && m.storedKey !== null) urls.set(m.caseId, `${endpointUrl(request)}/media/${m.id}`);
      }
      for (const m of media) {
        if (!urls.has(m.caseId) && m.sourceUrl !== null) urls.set(m.caseId, m.sourceUrl);
      }
      return urls;
    };

    const toRequests = async (request: FastifyRequest, found: Case[]) => {
      const [notes, media] = await Promise.all([deps.cases.publicNotes(found.map((c) => c.id)), mediaUrls(request, found)]);
      return found.map((c) => toServiceRequest(c, { statusNotes: notes.get(c.id) ?? null, mediaUrl: media.get(c.id) ?? null }));
    };

    /**
     * Open311 publishes only what was filed through Open311: calls, SMS and web reports
     * carry descriptions and addresses citizens gave to the hotline, not to the public,
     * and a complaint about staff is never public, whoever filed it.
     */
    const isPublic = (c: Case) => c.channel === 'open311' && c.category !== 'staff_complaint';

    const endpointUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}${OPEN311_PREFIX}`;

    app.get(
      '/v2/media/:media_id',
      {
        schema: {
          summary: 'A photo of a request',
          description: 'A photo sent with a public request (its metadata stripped); what `media_url` points at.',
          tags: ['open311'],
          params: Type.Object({ media_id: Type.String({ format: 'uuid' }) }),
          response: {
            200: {
              description: 'The photo',
              content: Object.fromEntries(PHOTO_TYPES.map((t) => [t, { schema: PhotoStream }])),
            },
            ...errors(400, 404, 429),
          },
        },
      },
      async (request, reply) => {
        const media = await deps.cases.findMedia(request.params.media_id);
        const owner = media?.storedKey ? await deps.cases.findById(media.caseId) : null;
        if (!media || !media.storedKey || !owner || !isPublic(owner)) fail(404, 'media was not found');
        const file = await deps.recordings.stat(media.storedKey);
        if (!file) fail(404, 'media was not found');
        return reply
          .header('content-type', media.contentType ?? 'application/octet-stream')
          .header('content-length', file.size)
          .header('cache-control', 'public, max-age=86400')
          .send(deps.recordings.createReadStream(media.storedKey));
      },
    );

    for (const format of FORMATS) {
      const xmlNote = format === 'xml' ? ' The same document in XML (GeoReport v2\'s element names).' : '';

      app.get(
        `/discovery.${format}`,
        {
          schema: {
            summary: `Discovery document (${format})`,
            description: `Where the GeoReport v2 endpoint is, its version and formats.${xmlNote}`,
            tags: ['open311'],
            response: { 200: Discovery, ...errors(429) },
          },
        },
        async (request, reply) => respond(reply, format, 'discovery', discoveryDocument(endpointUrl(request))),
      );

      app.get(
        `/v2/services.${format}`,
        {
          schema: {
            summary: `Service list (${format})`,
            description: `One service per case category.${xmlNote}`,
            tags: ['open311'],
            querystring: JurisdictionQuery,
            response: { 200: Type.Array(Service, { description: 'Services' }), ...errors(400, 429) },
          },
        },
        async (_request, reply) => respond(reply, format, 'services', open311Services()),
      );

      app.get(
        `/v2/services/:service_code.${format}`,
        {
          schema: {
            summary: `Service definition (${format})`,
            description: `The attributes a request may carry: the optional district.${xmlNote}`,
            tags: ['open311'],
            params: Type.Object({ service_code: TextLine({ maxLength: 64 }) }),
            querystring: JurisdictionQuery,
            response: { 200: { ...ServiceDefinition, description: 'The definition' }, ...errors(400, 404, 429) },
          },
        },
        async (request, reply) => {
          const code = request.params.service_code;
          if (!isServiceCode(code)) fail(404, `service_code ${code} was not found`);
          return respond(reply, format, 'service_definition', serviceDefinition(code));
        },
      );

      app.post(
        `/v2/requests.${format}`,
        {
          schema: {
            summary: `File a service request (${format})`,
            description:
              'Creates a case (channel `open311`) and answers 200, as the spec and its clients expect (GeoReporter ' +
              'treats anything else as a failure). Needs an `api_key` (OPEN311_API_KEYS), in the body or the query.' +
              xmlNote,
            tags: ['open311'],
            body: NewRequest,
            querystring: JurisdictionQuery,
            response: { 200: Created, ...errors(400, 403, 413, 415, 429) },
          },
          // Before validation, so a caller without a key learns nothing about the body's rules.
          preValidation: async (request) => {
            const body = request.body as { api_key?: unknown; lat?: unknown; long?: unknown } | undefined;
            const query = request.query as { api_key?: unknown };
            const given = typeof body?.api_key === 'string' ? body.api_key : typeof query.api_key === 'string' ? query.api_key : '';
            if (keys.length === 0) fail(403, 'Filing requests over Open311 is not enabled on this server');
            if (given === '') fail(403, 'api_key was not provided');
            const index = matchKey(given);
            if (index === -1) fail(403, 'api_key is not valid');
            request.open311Client = secretLabel(keys[index]!);
            // JSON clients send `"lat": null` for "no position": absent, not 0,0 (Ajv would coerce it).
            if (body && typeof body === 'object') {
              if (body.lat === null) delete body.lat;
              if (body.long === null) delete body.long;
            }
          },
        },
        async (request, reply) => {
          const uploads = await storeUploads(request.uploads ?? []);
          // A photo's EXIF position stands in for a location the client did not send.
          const located = uploads.find((m) => m.lat != null);
          const body = request.body;
          const fields =
            located && body.lat === undefined && body.long === undefined ? { ...body, lat: located.lat!, long: located.long! } : body;
          const parsed = parseNewRequest(fields);
          if (!parsed.ok) throw new Open311Failure(parsed.error);
          const r = parsed.request;
          const created = await deps.cases.create({
            channel: 'open311',
            category: r.category,
            district: r.district,
            address: r.address,
            lat: r.lat,
            long: r.long,
            callerPhone: r.phone,
            reporter: r.reporter,
            description: r.description,
            media: [...uploads, ...r.mediaUrls.map((url): NewCaseMedia => ({ source: 'open311', sourceUrl: url }))],
            actor: `open311:${request.open311Client}`,
          });
          request.log.info(
            { trackingNumber: created.trackingNumber, client: request.open311Client, phone: maskPhone(r.phone), photos: uploads.length, links: r.mediaUrls.length },
            'Open311 request filed',
          );
          reply.code(200);
          return respond(reply, format, 'service_requests', [
            { service_request_id: created.trackingNumber, service_notice: SERVICE_NOTICE, account_id: null },
          ]);
        },
      );

      app.get(
        `/v2/requests.${format}`,
        {
          schema: {
            summary: `Service requests (${format})`,
            description:
              `Requests filed through Open311 only (never calls, SMS, web reports or staff complaints), newest first, ${MAX_PAGE_SIZE} a page ` +
              '(`page`, `page_size`). Without dates: the last 90 days. `service_code` and `service_request_id` take comma lists. ' +
              '`status_notes` is the resolution note, never an internal one. `status` maps our statuses: ' +
              'new, dispatched, acknowledged, in_progress and reopened are `open`, the rest `closed`. `expected_datetime` is the SLA\'s due time.' +
              xmlNote,
            tags: ['open311'],
            querystring: ListQuery,
            response: { 200: Type.Array(ServiceRequest, { description: 'Requests' }), ...errors(400, 429) },
          },
        },
        async (request, reply) => {
          const parsed = parseListQuery(request.query, deps.now());
          if (!parsed.ok) throw new Open311Failure(parsed.error);
          const found = await deps.cases.list({ ...parsed.filter, channel: 'open311', notCategory: 'staff_complaint' });
          return respond(reply, format, 'service_requests', await toRequests(request, found.filter(isPublic)));
        },
      );

      app.get(
        `/v2/requests/:service_request_id.${format}`,
        {
          schema: {
            summary: `One service request (${format})`,
            description: `A list of one, as the spec answers. 404 for cases not filed through Open311.${xmlNote}`,
            tags: ['open311'],
            params: Type.Object({ service_request_id: TextLine({ maxLength: 64 }) }),
            querystring: JurisdictionQuery,
            response: { 200: Type.Array(ServiceRequest, { description: 'The request' }), ...errors(400, 404, 429) },
          },
        },
        async (request, reply) => {
          const id = toAsciiDigits(request.params.service_request_id);
          if (!isValidTrackingNumber(id)) fail(400, `service_request_id ${request.params.service_request_id} is not a tracking number`);
          const found = await deps.cases.findByTrackingNumber(id);
          // Cases from other channels exist to this API as little as unknown ones.
          if (!found || !isPublic(found)) fail(404, `service_request_id ${id} was not found`);
          return respond(reply, format, 'service_requests', await toRequests(request, [found]));
        },
      );
    }
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Label of the Open311 api_key a POST came with (set before its handler runs). */
    open311Client?: string;
  }
}
