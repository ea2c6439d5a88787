import { Type, type Static, type TSchema } from 'typebox';
import { TRACKING_NUMBER_PATTERN } from '../../domain/cases/tracking-number.js';
import { UNIT_ID_PATTERN } from '../../domain/geo/boundaries.js';
import {
  CASE_CATEGORIES,
  CASE_CHANNELS,
  CASE_EVENT_KINDS,
  CASE_STATUSES,
  DISTRICT_COUNT,
  isOpen,
  type Case,
  type CaseEvent,
  type CaseWithEvents,
} from '../../domain/cases/case.js';

/** Schemas and mapping of cases on the wire: camelCase, ISO 8601 dates, no storage keys. */

/** A value or null, as the wire has it. */
export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const IsoDate = Type.String({ format: 'date-time' });

export const TrackingNumber = Type.String({
  pattern: TRACKING_NUMBER_PATTERN,
  description: '10 digits (8 for cases numbered before 2027), the last one a check digit',
  examples: ['1234567894', '12345671'],
});

export const District = Type.Integer({ minimum: 1, maximum: DISTRICT_COUNT, description: 'Tehran municipal district' });
export const Status = Type.Enum(CASE_STATUSES);
export const Category = Type.Enum(CASE_CATEGORIES);

/** A unit's or city-wide body's id (`d7-bazaar`, `water`). */
export const UnitId = Type.String({ pattern: UNIT_ID_PATTERN, maxLength: 40 });

export const CaseBody = Type.Object(
  {
    id: Type.String(),
    trackingNumber: TrackingNumber,
    channel: Type.Enum(CASE_CHANNELS),
    category: nullable(Category),
    district: nullable(District),
    unit: nullable({ ...UnitId, description: 'A unit of its district, or a city-wide body (then no district)' }),
    callerPhone: nullable(Type.String()),
    reporter: Type.Union(
      [
        Type.Object({
          email: nullable(Type.String()),
          firstName: nullable(Type.String()),
          lastName: nullable(Type.String()),
          phone: nullable(Type.String({ description: 'A number as given when it is not an Iranian one (that one is callerPhone)' })),
        }),
        Type.Null(),
      ],
      {
        description:
          "How the reporter asked to be reached (an e-mail's sender, Open311's email / first_name / last_name / phone): for staff, never in Open311 or public answers; a district sees the e-mail and phone masked",
      },
    ),
    description: nullable(Type.String()),
    hasRecording: Type.Boolean(),
    /** Where to fetch the audio; null when the case has no recording. */
    recordingUrl: nullable(Type.String()),
    callId: nullable(Type.String()),
    address: nullable(Type.String()),
    lat: nullable(Type.Number({ minimum: -90, maximum: 90 })),
    long: nullable(Type.Number({ minimum: -180, maximum: 180 })),
    status: Status,
    /** When the SLA of its category runs out. */
    dueAt: nullable(IsoDate),
    /** Open and past its due time: set once by the SLA sweep. */
    overdue: Type.Boolean(),
    escalatedAt: nullable(IsoDate),
    /** Delivery to the district failed for good; a supervisor should retry it. */
    dispatchFailedAt: nullable(IsoDate),
    /** For a `duplicate`: the id of the case it repeats. */
    duplicateOf: nullable(Type.String()),
    createdAt: IsoDate,
    updatedAt: IsoDate,
  },
  { title: 'Case' },
);

export const CaseEventBody = Type.Object(
  {
    id: Type.String(),
    kind: Type.Enum(CASE_EVENT_KINDS, {
      description: 'status: a status change; district: routed; escalated: SLA breached; dispatch_failed / dispatch_retried',
    }),
    at: IsoDate,
    actor: Type.String(),
    fromStatus: nullable(Status),
    toStatus: Status,
    note: nullable(Type.String()),
  },
  { title: 'CaseEvent' },
);

export const CaseWithEventsBody = Type.Object(
  { ...CaseBody.properties, events: Type.Array(CaseEventBody) },
  { title: 'CaseWithEvents' },
);

export type CaseDto = Static<typeof CaseBody>;
export type CaseEventDto = Static<typeof CaseEventBody>;
export type CaseWithEventsDto = Static<typeof CaseWithEventsBody>;

export function recordingUrl(trackingNumber: string): string {
  return `/api/cases/${trackingNumber}/recording`;
}

export function toCaseDto(c: Case): CaseDto {
  return {
    id: c.id,
    trackingNumber: c.trackingNumber,
    channel: c.channel,
    category: c.category,
    district: c.district,
    unit: c.unit,
    callerPhone: c.callerPhone,
    reporter: c.reporter,
    description: c.description,
    hasRecording: c.recording !== null,
    recordingUrl: c.recording === null ? null : recordingUrl(c.trackingNumber),
    callId: c.callId,
    address: c.address,
    lat: c.lat,
    long: c.long,
    status: c.status,
    dueAt: c.dueAt?.toISOString() ?? null,
    overdue: c.escalatedAt !== null && isOpen(c.status),
    escalatedAt: c.escalatedAt?.toISOString() ?? null,
    dispatchFailedAt: c.dispatchFailedAt?.toISOString() ?? null,
    duplicateOf: c.duplicateOf,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

function toCaseEventDto(e: CaseEvent): CaseEventDto {
  return {
    id: e.id,
    kind: e.kind,
    at: e.at.toISOString(),
    actor: e.actor,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    note: e.note,
  };
}

export function toCaseWithEventsDto(c: CaseWithEvents): CaseWithEventsDto {
  return { ...toCaseDto(c), events: c.events.map(toCaseEventDto) };
}
