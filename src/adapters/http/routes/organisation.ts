/**
 * Who receives cases, as data: the districts' webhooks, contacts and SLA overrides, and
 * the units inside districts and city-wide bodies. Admins change them; the staff who
 * route cases read them. Districts' hours and boundaries are not set here (the hours
 * API and `npm run districts:import`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { CASE_CATEGORIES, type CaseCategory } from '../../../domain/cases/case.js';
import type { District as DistrictRow } from '../../../domain/cases/district.js';
import { UNIT_KINDS, type Unit } from '../../../domain/cases/unit.js';
import { hotlineError } from '../../../domain/errors.js';
import { principalOf, requireRole } from '../auth.js';
import { District, UnitId, nullable } from '../case-dto.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { TextLine } from '../input-schema.js';

const Name = TextLine({ minLength: 1, maxLength: 200, pattern: '\\S' });
const WebhookUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 });
const Secret = Type.String({ minLength: 16, maxLength: 200, pattern: '^[\\x21-\\x7e]+$', description: 'HMAC key of X-Hotline-Signature (16+ characters); never shown again' });

const Contact = Type.Object(
  {
    name: Name,
    role: Type.Optional(TextLine({ maxLength: 200 })),
    phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{3,15}$' })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
  },
  { additionalProperties: false, title: 'Contact' },
);

const SlaHours = nullable(
  Type.Object(
    Object.fromEntries(CASE_CATEGORIES.map((c) => [c, Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 365 }))])),
    { additionalProperties: false, description: 'Hours to resolve per category, replacing the hotline\'s for cases routed here; null: none' },
  ),
);

const Receiver = {
  webhookUrls: Type.Array(Type.String(), { description: 'Admins see them in full; others their origins (a path may hold a token)' }),
  hasWebhookSecret: Type.Boolean(),
  contacts: Type.Array(Contact),
  slaHours: SlaHours,
  hasBoundary: Type.Boolean({ description: 'An outline is loaded (npm run districts:import)' }),
};

const UnitBody = Type.Object(
  { id: UnitId, kind: Type.Enum(UNIT_KINDS), district: nullable(District), name: Type.String(), ...Receiver },
  { title: 'Unit' },
);
const DistrictBody = Type.Object(
  { id: District, name: Type.String(), inboxEnabled: Type.Boolean(), ...Receiver },
  { title: 'DistrictDetails' },
);

const ReceiverPatch = {
  webhookUrls: Type.Optional(Type.Array(WebhookUrl, { maxItems: 5, uniqueItems: true })),
  webhookSecret: Type.Optional(nullable(Secret)),
  contacts: Type.Optional(Type.Array(Contact, { maxItems: 20 })),
  slaHours: Type.Optional(SlaHours),
};

const NewUnit = Type.Object(
  {
    id: UnitId,
    kind: Type.Enum(UNIT_KINDS, { description: 'unit: inside a district; body: city-wide (water, traffic…), no district' }),
    district: Type.Optional(District),
    name: Name,
    ...ReceiverPatch,
  },
  { additionalProperties: false },
);
const UnitPatch = Type.Object({ name: Type.Optional(Name), ...ReceiverPatch }, { additionalProperties: false, minProperties: 1 });
const DistrictPatch = Type.Object(
  { inboxEnabled: Type.Optional(Type.Boolean()), ...ReceiverPatch },
  { additionalProperties: false, minProperties: 1 },
);

type ReceiverPatchDto = Partial<Static<typeof UnitPatch>>;

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '[invalid url]';
  }
}

function receiver(r: Pick<Unit, 'webhookUrls' | 'webhookSecret' | 'contacts' | 'slaHours' | 'hasBoundary'>, admin: boolean) {
  return {
    webhookUrls: admin ? r.webhookUrls : r.webhookUrls.map(origin),
    hasWebhookSecret: r.webhookSecret !== null,
    contacts: r.contacts,
    slaHours: r.slaHours,
    hasBoundary: r.hasBoundary,
  };
}

function districtDto(d: DistrictRow, admin: boolean) {
  return {
    id: d.id,
    name: d.name,
    inboxEnabled: d.inboxEnabled,
    ...receiver({ ...d, contacts: d.contacts ?? [], slaHours: d.slaHours ?? null, hasBoundary: d.hasBoundary ?? false }, admin),
  };
}

/** A webhook nobody can verify would let anyone forge deliveries: URLs need a secret. */
function checkSecret(urls: readonly string[], secret: string | null) {
  if (urls.length > 0 && secret === null) {
    throw hotlineError('HOTLINE_ERR_VALIDATION', 'Webhook URLs need a webhookSecret', { in: 'body', field: 'webhookSecret' });
  }
}

function receiverPatch(body: ReceiverPatchDto) {
  return {
    ...(body.webhookUrls !== undefined ? { webhookUrls: body.webhookUrls } : {}),
    ...(body.webhookSecret !== undefined ? { webhookSecret: body.webhookSecret } : {}),
    ...(body.contacts !== undefined ? { contacts: body.contacts } : {}),
    ...(body.slaHours !== undefined ? { slaHours: body.slaHours as Partial<Record<CaseCategory, number>> | null } : {}),
  };
}

export function organisationRoutes(deps: Pick<HttpDeps, 'organisation'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    const org = deps.organisation;
    if (!org) return;
    const readers = requireRole('admin', 'supervisor', 'agent');
    const admins = requireRole('admin');
    const UnitParams = Type.Object({ id: UnitId }, { additionalProperties: false });
    const DistrictParams = Type.Object({ id: District }, { additionalProperties: false });

    app.get(
      '/units',
      {
        preHandler: readers,
        schema: { summary: 'Units and city-wide bodies', tags: ['organisation'], response: { 200: Type.Array(UnitBody), ...errorResponses(403) } },
      },
      async (request) => {
        const admin = principalOf(request).role === 'admin';
        return (await org.units.list()).map((u) => ({ id: u.id, kind: u.kind, district: u.district, name: u.name, ...receiver(u, admin) }));
      },
    );

    app.post(
      '/units',
      {
        preHandler: admins,
        schema: {
          summary: 'Add a unit of a district or a city-wide body',
          tags: ['organisation'],
          body: NewUnit,
          response: { 201: UnitBody, ...errorResponses(400, 403, 409) },
        },
      },
      async (request, reply) => {
        const b = request.body;
        if ((b.kind === 'unit') !== (b.district !== undefined)) {
          throw hotlineError('HOTLINE_ERR_VALIDATION', 'A unit needs its district; a city-wide body has none', { in: 'body', field: 'district' });
        }
        const patch = receiverPatch(b);
        checkSecret(patch.webhookUrls ?? [], patch.webhookSecret ?? null);
        const u = await org.units.create({
          id: b.id,
          kind: b.kind,
          district: b.district ?? null,
          name: b.name.trim(),
          webhookUrls: patch.webhookUrls ?? [],
          webhookSecret: patch.webhookSecret ?? null,
          contacts: patch.contacts ?? [],
          slaHours: patch.slaHours ?? null,
        });
        reply.code(201);
        return { id: u.id, kind: u.kind, district: u.district, name: u.name, ...receiver(u, true) };
      },
    );

    app.patch(
      '/units/:id',
      {
        preHandler: admins,
        schema: {
          summary: "Change a unit's name, webhooks, contacts or SLA hours",
          tags: ['organisation'],
          params: UnitParams,
          body: UnitPatch,
          response: { 200: UnitBody, ...errorResponses(400, 403, 404) },
        },
      },
      async (request) => {
        const current = await org.units.get(request.params.id);
        if (!current) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `No unit ${request.params.id}`);
        const patch = receiverPatch(request.body);
        checkSecret(patch.webhookUrls ?? current.webhookUrls, patch.webhookSecret !== undefined ? patch.webhookSecret : current.webhookSecret);
        const u = await org.units.update(current.id, { ...patch, ...(request.body.name ? { name: request.body.name.trim() } : {}) });
        return { id: u.id, kind: u.kind, district: u.district, name: u.name, ...receiver(u, true) };
      },
    );

    app.get(
      '/districts',
      {
        preHandler: readers,
        schema: { summary: "Districts' receivers and contacts", tags: ['organisation'], response: { 200: Type.Array(DistrictBody), ...errorResponses(403) } },
      },
      async (request) => {
        const admin = principalOf(request).role === 'admin';
        return (await org.districts.list()).map((d) => districtDto(d, admin));
      },
    );

    app.patch(
      '/districts/:id',
      {
        preHandler: admins,
        schema: {
          summary: "Change a district's webhooks, inbox, contacts or SLA hours",
          description: 'Office hours are not set here.',
          tags: ['organisation'],
          params: DistrictParams,
          body: DistrictPatch,
          response: { 200: DistrictBody, ...errorResponses(400, 403, 404) },
        },
      },
      async (request) => {
        const current = await org.districts.get(request.params.id);
        if (!current) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `No district ${request.params.id}`);
        const patch = receiverPatch(request.body);
        checkSecret(patch.webhookUrls ?? current.webhookUrls, patch.webhookSecret !== undefined ? patch.webhookSecret : current.webhookSecret);
        const d = await org.districts.update(current.id, {
          ...patch,
          ...(request.body.inboxEnabled !== undefined ? { inboxEnabled: request.body.inboxEnabled } : {}),
        });
        return districtDto(d, true);
      },
    );
  };
}
