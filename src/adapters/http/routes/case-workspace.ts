/**
 * The back office's work on cases beyond a single status change: a case's whole
 * timeline, triage of many cases at once, a district's look at the caller's number and
 * its "not our district". Every action writes a case_events row.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CALL_OUTCOMES } from '../../../domain/cases/ports.js';
import { isRoutable, mayBulkTriage, mayDecline, mayReclassify, maySetDistrict } from '../../../domain/cases/lifecycle.js';
import { hotlineError, isHotlineError } from '../../../domain/errors.js';
import { maskPhone } from '../../../domain/phone.js';
import { principalOf } from '../auth.js';
import { CaseBody, Category, District, TrackingNumber, nullable, toCaseDto } from '../case-dto.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { TextBlock } from '../input-schema.js';
import { actorOf, caseNotFound, forViewer, mayRead } from './cases.js';

const IsoDate = Type.String({ format: 'date-time' });
const TrackingParams = Type.Object({ trackingNumber: TrackingNumber }, { additionalProperties: false });

/** Free text a person types (no control characters, no bidi overrides), with something in it. */
const Reason = TextBlock({ minLength: 1, maxLength: 1000, pattern: '\\S' });

const Delivery = Type.Object(
  {
    district: District,
    target: Type.String({ description: "'inbox', or the origin of the district's webhook (its path may hold a token)" }),
    deliveredAt: IsoDate,
  },
  { title: 'CaseDelivery' },
);

const TimelineCall = Type.Object(
  {
    id: Type.String(),
    direction: Type.Enum(['inbound', 'outbound']),
    caller: nullable(Type.String({ description: 'Masked for district users' })),
    startedAt: IsoDate,
    endedAt: nullable(IsoDate),
    outcome: Type.Enum(CALL_OUTCOMES),
    queue: nullable(Type.String()),
    agentId: nullable(Type.String()),
    waitSeconds: nullable(Type.Number()),
    talkSeconds: nullable(Type.Number()),
  },
  { title: 'CaseCall' },
);

const TimelineArticle = Type.Object(
  {
    callId: Type.String(),
    articleId: Type.String(),
    title: Type.String(),
    agentId: Type.String(),
    usedAt: IsoDate,
  },
  { title: 'CaseCallArticle' },
);

const Timeline = Type.Object(
  {
    deliveries: Type.Array(Delivery, { description: 'Where the case was delivered, oldest first' }),
    calls: Type.Array(TimelineCall, { description: 'Calls linked to the case, newest first' }),
    articles: Type.Array(TimelineArticle, { description: 'Knowledge-base articles the agents used on those calls, oldest first' }),
  },
  { title: 'CaseTimeline', description: "Besides the case's events (GET /cases/{trackingNumber}): its deliveries and calls" },
);

const BulkBody = Type.Object(
  {
    trackingNumbers: Type.Array(TrackingNumber, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'The cases to triage' }),
    category: Type.Optional({ ...Category, description: 'Reclassify every case to this category' }),
    district: Type.Optional({ ...District, description: 'Route every case to this district (dispatches it)' }),
    note: Type.Optional({ ...Reason, description: 'Why, kept on each event' }),
  },
  { additionalProperties: false },
);

const BULK_OUTCOMES = ['changed', 'not_found', 'not_routable', 'conflict'] as const;

const BulkAnswer = Type.Object(
  {
    results: Type.Array(
      Type.Object({
        trackingNumber: TrackingNumber,
        outcome: Type.Enum(BULK_OUTCOMES, {
          description: 'changed; not_found: no such case; not_routable: finished; conflict: it changed meanwhile',
        }),
      }),
    ),
  },
  { description: 'One outcome per case, in the order given; the changed ones have their events' },
);

const RevealedPhone = Type.Object(
  { trackingNumber: TrackingNumber, callerPhone: nullable(Type.String()) },
  { description: "The caller's number in full; the request is a `phone_revealed` event" },
);

const DeclineBody = Type.Object(
  { note: { ...Reason, description: 'Why the case is not this district\'s (which district it belongs to, if known)' } },
  { additionalProperties: false },
);

const LocationBody = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90, description: 'WGS 84 latitude' }),
    long: Type.Number({ minimum: -180, maximum: 180, description: 'WGS 84 longitude' }),
  },
  { additionalProperties: false },
);

const Located = Type.Object(
  {
    case: CaseBody,
    routedByLocation: Type.Boolean({ description: 'true when this point set the district (and unit) of an unrouted case' }),
  },
  { title: 'LocatedCase' },
);

export function caseWorkspaceRoutes(deps: Pick<HttpDeps, 'cases' | 'calls' | 'places' | 'knowledge'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    const places = deps.places;
    if (places) {
      app.put(
        '/cases/:trackingNumber/location',
        {
          schema: {
            summary: 'Set where the problem is; routes an unrouted case by it',
            description:
              'An agent, supervisor or admin pins the case on the map. A `location` event keeps the point; ' +
              'a case with no district and no unit yet is routed to the district (and unit) whose boundary ' +
              'holds the point (boundaries: `npm run districts:import`), which queues its dispatch. A case ' +
              'already routed keeps its district: re-route it with PATCH.',
            tags: ['cases'],
            params: TrackingParams,
            body: LocationBody,
            response: { 200: Located, ...errorResponses(400, 403, 404, 409) },
          },
        },
        async (request) => {
          const principal = principalOf(request);
          const found = await deps.cases.findByTrackingNumber(request.params.trackingNumber);
          if (!found || !mayRead(principal, found)) throw caseNotFound(request.params.trackingNumber);
          if (!maySetDistrict(actorOf(principal))) throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'Your role may not route cases');
          if (!isRoutable(found.status)) {
            throw hotlineError('HOTLINE_ERR_INVALID_TRANSITION', `A ${found.status} case cannot be routed`, { from: found.status });
          }
          const { case: changed, placed } = await places.setLocation(found, request.body, principal.id, deps.cases);
          return { case: forViewer(principal, toCaseDto(changed)), routedByLocation: placed !== null };
        },
      );
    }

    app.get(
      '/cases/:trackingNumber/timeline',
      {
        schema: {
          summary: "A case's deliveries, calls and the articles used on them",
          description:
            "The rest of a case's timeline beside its events: deliveries to its district (inbox, webhooks) " +
            "and the calls linked to it. Same readers as the case; district users see callers' numbers masked.",
          tags: ['cases'],
          params: TrackingParams,
          response: { 200: Timeline, ...errorResponses(400, 404) },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const found = await deps.cases.findByTrackingNumber(request.params.trackingNumber);
        if (!found || !mayRead(principal, found)) throw caseNotFound(request.params.trackingNumber);
        const [deliveries, calls] = await Promise.all([
          deps.cases.deliveries(found.id),
          deps.calls ? deps.calls.list({ caseId: found.id, limit: 50 }) : Promise.resolve([]),
        ]);
        const articles = deps.knowledge && calls.length > 0 ? await deps.knowledge.usesOnCalls(calls.map((c) => c.id)) : [];
        return {
          deliveries: deliveries.map((d) => ({ district: d.district, target: safeTarget(d.target), deliveredAt: d.deliveredAt.toISOString() })),
          articles: articles.map((a) => ({ callId: a.callId, articleId: a.articleId, title: a.title, agentId: a.agentId, usedAt: a.usedAt.toISOString() })),
          calls: calls.map((c) => ({
            id: c.id,
            direction: c.direction,
            caller: principal.role === 'district' ? maskPhone(c.caller) : c.caller,
            startedAt: c.startedAt.toISOString(),
            endedAt: c.endedAt?.toISOString() ?? null,
            outcome: c.outcome,
            queue: c.queue,
            agentId: c.queueRecord.agentId,
            waitSeconds: c.queueRecord.waitSeconds,
            talkSeconds: c.queueRecord.talkSeconds,
          })),
        };
      },
    );

    app.post(
      '/cases/bulk',
      {
        schema: {
          summary: 'Triage many cases at once',
          description:
            'Admins and supervisors: sets the category and/or the district of up to 100 cases. Each case ' +
            'changes on its own (a `category` and a `district` event each; a new district dispatches it); ' +
            'a finished case or one that changed meanwhile is left alone and said so.',
          tags: ['cases'],
          body: BulkBody,
          response: { 200: BulkAnswer, ...errorResponses(400, 403) },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const actor = actorOf(principal);
        if (!mayBulkTriage(actor) || !maySetDistrict(actor) || !mayReclassify(actor)) {
          throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'Only supervisors and admins triage in bulk');
        }
        const { trackingNumbers, category, district, note } = request.body;
        if (category === undefined && district === undefined) {
          throw hotlineError('HOTLINE_ERR_VALIDATION', 'Give a category or a district', { in: 'body', field: 'category' });
        }
        const results: { trackingNumber: string; outcome: (typeof BULK_OUTCOMES)[number] }[] = [];
        for (const trackingNumber of trackingNumbers) {
          const found = await deps.cases.findByTrackingNumber(trackingNumber);
          if (!found) {
            results.push({ trackingNumber, outcome: 'not_found' });
            continue;
          }
          if (!isRoutable(found.status)) {
            results.push({ trackingNumber, outcome: 'not_routable' });
            continue;
          }
          try {
            await deps.cases.transition({
              caseId: found.id,
              from: found.status,
              ...(category !== undefined ? { category } : {}),
              ...(district !== undefined ? { district } : {}),
              actor: principal.id,
              note: note ?? null,
            });
            results.push({ trackingNumber, outcome: 'changed' });
          } catch (err) {
            if (!isHotlineError(err) || err.code !== 'HOTLINE_ERR_CONFLICT') throw err;
            results.push({ trackingNumber, outcome: 'conflict' });
          }
        }
        return { results };
      },
    );

    app.post(
      '/cases/:trackingNumber/reveal-phone',
      {
        schema: {
          summary: "The caller's number, to call them back",
          description:
            'District users see numbers masked; asking for one is recorded as a `phone_revealed` event ' +
            '(who, when). Anyone who may read the case may ask.',
          tags: ['cases'],
          params: TrackingParams,
          response: { 200: RevealedPhone, ...errorResponses(400, 404) },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const found = await deps.cases.findByTrackingNumber(request.params.trackingNumber);
        if (!found || !mayRead(principal, found)) throw caseNotFound(request.params.trackingNumber);
        await deps.cases.remark({ caseId: found.id, kind: 'phone_revealed', actor: principal.id, note: null });
        return { trackingNumber: found.trackingNumber, callerPhone: found.callerPhone };
      },
    );

    app.post(
      '/cases/:trackingNumber/decline',
      {
        schema: {
          summary: 'Not our district: back to triage',
          description:
            "A district user sends back a case of their district they have not taken up yet (status " +
            "`dispatched` or `reopened`): its district is cleared, so it shows in the back office's " +
            '"to triage" view, and a `declined` event keeps the reason. Its status is left as it is.',
          tags: ['cases'],
          params: TrackingParams,
          body: DeclineBody,
          response: { 200: { ...CaseBody, description: 'The case, without a district' }, ...errorResponses(400, 403, 404, 409) },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const found = await deps.cases.findByTrackingNumber(request.params.trackingNumber);
        if (!found || !mayRead(principal, found)) throw caseNotFound(request.params.trackingNumber);
        if (principal.role !== 'district') throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'Only a district sends a case back to triage');
        if (!mayDecline(actorOf(principal), found.status, found.district)) {
          throw hotlineError('HOTLINE_ERR_INVALID_TRANSITION', `A ${found.status} case cannot be sent back`, { from: found.status });
        }
        const changed = await deps.cases.transition({
          caseId: found.id,
          from: found.status,
          district: null,
          actor: principal.id,
          note: request.body.note,
        });
        return forViewer(principal, toCaseDto(changed));
      },
    );
  };
}

/** A webhook URL may carry a token in its path or query: the timeline shows its origin. */
function safeTarget(target: string): string {
  if (target === 'inbox') return target;
  try {
    return new URL(target).origin;
  } catch {
    return '[invalid url]';
  }
}
