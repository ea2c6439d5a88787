import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { TextBlock, TextLine } from '../input-schema.js';
import { CASE_CATEGORIES, DISTRICT_COUNT, type Case } from '../../../domain/cases/case.js';
import {
  OPEN311_STATUSES,
  SERVICE_NOTICE,
  isServiceCode,
  open311Services,
  parseListQuery,
  parseNewRequest,
  serviceDefinition,
  toServiceRequest,
  type Open311Error,
} from '../../../domain/channels/open311.js';
import { isValidTrackingNumber } from '../../../domain/cases/tracking-number.js';
import { isHotlineError } from '../../../domain/errors.js';
import { maskPhone, toAsciiDigits } from '../../../domain/phone.js';
import { nullable, recordingUrl } from '../case-dto.js';
import type { HttpDeps } from '../deps.js';
import { acceptFormBodies } from '../form-body.js';
import { databaseClientError } from '../errors.js';
import { RATE_LIMIT_HEADERS } from '../rate-limit.js';
import { secretLabel, secretMatcher } from '../shared-secret.js';

/**
 * Open311 GeoReport v2, JSON format only (`.json` resources), so civic apps can file and
 * follow cases. Errors use the spec's shape, a list of `{ code, description }`, not
 * the API's `{ error }`: Open311 clients parse that.
 */

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
    status_notes: nullable(Type.String({ description: "The note of the case's latest event" })),
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
    media_url: nullable(Type.String({ description: 'The voice recording (needs an API bearer token)' })),
  },
  { title: 'Open311ServiceRequest' },
);

const Text = (maxLength: number) => Type.Optional(TextLine({ maxLength }));

const NewRequest = Type.Object(
  {
    api_key: Text(200),
    jurisdiction_id: Text(200),
    service_code: Text(64),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    long: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    address_string: Text(500),
    address_id: Text(200),
    email: Text(200),
    device_id: Text(200),
    account_id: Text(200),
    first_name: Text(200),
    last_name: Text(200),
    phone: Text(32),
    description: Type.Optional(TextBlock({ maxLength: 4000 })),
    media_url: Text(2000),
    attribute: Type.Optional(
      Type.Record(Type.String(), TextLine({ maxLength: 200 }), {
        description: `Form: \`attribute[district]=7\`. The one attribute is \`district\` (1..${DISTRICT_COUNT}).`,
      }),
    ),
  },
  {
    description:
      'As `application/x-www-form-urlencoded` (what Open311 clients send) or JSON. ' +
      'A location is required: `lat` and `long`, or `address_string`.',
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
  service_code: Text(64),
  start_date: Type.Optional(TextLine({ maxLength: 40, description: 'ISO 8601 with a time zone' })),
  end_date: Type.Optional(TextLine({ maxLength: 40, description: 'ISO 8601 with a time zone' })),
  status: Type.Optional(TextLine({ maxLength: 20, description: '`open`, `closed` or `open,closed`' })),
});

const JurisdictionQuery = Type.Object({ api_key: Text(200), jurisdiction_id: Text(200) });

class Open311Failure extends Error {
  constructor(readonly error: Open311Error) {
    super(error.description);
  }
}

function fail(code: number, description: string): never {
  throw new Open311Failure({ code, description });
}

/** Where GeoReport v2 is served; its errors, even those before routing, are the spec's list. */
export const OPEN311_PREFIX = '/open311/v2';

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
  return reply.code(error.code).type('application/json; charset=utf-8').send([error]);
}

export function open311Routes(
  deps: Pick<HttpDeps, 'cases' | 'open311ApiKeys' | 'now'>,
): FastifyPluginAsyncTypebox {
  const keys = deps.open311ApiKeys ?? [];
  const matchKey = secretMatcher(keys);

  return async (app) => {
    app.decorateRequest('open311Client', undefined);
    app.setErrorHandler(handleOpen311Error);
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0];
      return reply.code(404).send([{ code: 404, description: `${request.method} ${path} is not a GeoReport v2 resource (only .json)` }]);
    });
    acceptFormBodies(app);

    const mediaUrl = (request: FastifyRequest, c: Case) =>
      c.recording === null ? null : `${request.protocol}://${request.host}${recordingUrl(c.trackingNumber)}`;

    const toRequests = async (request: FastifyRequest, found: Case[]) => {
      const notes = await deps.cases.latestNotes(found.map((c) => c.id));
      return found.map((c) => toServiceRequest(c, { statusNotes: notes.get(c.id) ?? null, mediaUrl: mediaUrl(request, c) }));
    };

    app.get(
      '/services.json',
      {
        schema: {
          summary: 'Service list',
          description: 'One service per case category.',
          tags: ['open311'],
          querystring: JurisdictionQuery,
          response: { 200: Type.Array(Service, { description: 'Services' }), ...errors(400, 429) },
        },
      },
      async () => open311Services(),
    );

    app.get(
      '/services/:service_code.json',
      {
        schema: {
          summary: 'Service definition',
          description: 'The attributes a request may carry: the optional district.',
          tags: ['open311'],
          params: Type.Object({ service_code: TextLine({ maxLength: 64 }) }),
          querystring: JurisdictionQuery,
          response: { 200: { ...ServiceDefinition, description: 'The definition' }, ...errors(400, 404, 429) },
        },
      },
      async (request) => {
        const code = request.params.service_code;
        if (!isServiceCode(code)) fail(404, `service_code ${code} was not found`);
        return serviceDefinition(code);
      },
    );

    app.post(
      '/requests.json',
      {
        schema: {
          summary: 'File a service request',
          description: 'Creates a case (channel `open311`). Needs an `api_key` (OPEN311_API_KEYS), in the body or the query.',
          tags: ['open311'],
          body: NewRequest,
          querystring: JurisdictionQuery,
          response: { 201: Created, ...errors(400, 403, 413, 415, 429) },
        },
        // Before validation, so a caller without a key learns nothing about the body's rules.
        preValidation: async (request) => {
          const body = request.body as { api_key?: unknown } | undefined;
          const query = request.query as { api_key?: unknown };
          const given = typeof body?.api_key === 'string' ? body.api_key : typeof query.api_key === 'string' ? query.api_key : '';
          if (keys.length === 0) fail(403, 'Filing requests over Open311 is not enabled on this server');
          if (given === '') fail(403, 'api_key was not provided');
          const index = matchKey(given);
          if (index === -1) fail(403, 'api_key is not valid');
          request.open311Client = secretLabel(keys[index]!);
        },
      },
      async (request, reply) => {
        const parsed = parseNewRequest(request.body);
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
          description: r.description,
          actor: `open311:${request.open311Client}`,
        });
        request.log.info(
          { trackingNumber: created.trackingNumber, client: request.open311Client, phone: maskPhone(r.phone) },
          'Open311 request filed',
        );
        return reply
          .code(201)
          .send([{ service_request_id: created.trackingNumber, service_notice: SERVICE_NOTICE, account_id: null }]);
      },
    );

    app.get(
      '/requests.json',
      {
        schema: {
          summary: 'Service requests',
          description:
            'Newest first, at most 500. Without dates: the last 90 days. `status` maps our statuses: ' +
            'new, dispatched, acknowledged, in_progress and reopened are `open`, the rest `closed`.',
          tags: ['open311'],
          querystring: ListQuery,
          response: { 200: Type.Array(ServiceRequest, { description: 'Requests' }), ...errors(400, 429) },
        },
      },
      async (request) => {
        const parsed = parseListQuery(request.query, deps.now());
        if (!parsed.ok) throw new Open311Failure(parsed.error);
        const found = await deps.cases.list({ ...parsed.filter, limit: 500 });
        return toRequests(request, found);
      },
    );

    app.get(
      '/requests/:service_request_id.json',
      {
        schema: {
          summary: 'One service request',
          description: 'A list of one, as the spec answers.',
          tags: ['open311'],
          params: Type.Object({ service_request_id: TextLine({ maxLength: 64 }) }),
          querystring: JurisdictionQuery,
          response: { 200: Type.Array(ServiceRequest, { description: 'The request' }), ...errors(400, 404, 429) },
        },
      },
      async (request) => {
        const id = toAsciiDigits(request.params.service_request_id);
        if (!isValidTrackingNumber(id)) fail(400, `service_request_id ${request.params.service_request_id} is not a tracking number`);
        const found = await deps.cases.findByTrackingNumber(id);
        if (!found) fail(404, `service_request_id ${id} was not found`);
        return toRequests(request, [found]);
      },
    );
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Label of the Open311 api_key a POST came with (set before its handler runs). */
    open311Client?: string;
  }
}
