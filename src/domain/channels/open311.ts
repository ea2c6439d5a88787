/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) over the case model:
 * a service is a case category, a service request is a case, its id the tracking
 * number. Pure mapping and validation; the routes live in adapters/http.
 */
import {
  CASE_CATEGORIES,
  DISTRICT_COUNT,
  OPEN_STATUSES,
  CASE_STATUSES,
  isDistrict,
  isOpen,
  type Case,
  type CaseCategory,
  type CaseReporter,
  type CaseStatus,
} from '../cases/case.js';
import { isValidTrackingNumber } from '../cases/tracking-number.js';
import { categoryFa, districtFa, toPersianDigits } from '../cases/wording.js';
import { normalizePhone, toAsciiDigits } from '../phone.js';

/** An error as GeoReport v2 lists them: `code` is the HTTP status. */
export interface Open311Error {
  code: number;
  description: string;
}

export const OPEN311_STATUSES = ['open', 'closed'] as const;
export type Open311Status = (typeof OPEN311_STATUSES)[number];

export interface Open311Service {
  service_code: CaseCategory;
  service_name: string;
  description: string;
  /** True: every service has a definition with the optional `district` attribute. */
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: 'singlevaluelist';
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values: { key: string; name: string }[];
}

export interface Open311ServiceDefinition {
  service_code: CaseCategory;
  attributes: Open311Attribute[];
}

export interface Open311ServiceRequest {
  service_request_id: string;
  status: Open311Status;
  status_notes: string | null;
  service_name: string | null;
  service_code: CaseCategory | null;
  description: string | null;
  agency_responsible: string;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

/** The district a request is for, as an attribute apps can show as a list. */
export const DISTRICT_ATTRIBUTE = 'district';

/** Who answers a request no district has been given yet: the hotline itself. */
export const HOTLINE_AGENCY = 'سامانه ۱۳۷ شهرداری تهران';

export const SERVICE_NOTICE = 'درخواست شما ثبت شد و به منطقه مربوط ارجاع می‌شود.';

export function open311Services(): Open311Service[] {
  return CASE_CATEGORIES.map((code) => ({
    service_code: code,
    service_name: categoryFa(code),
    description: categoryFa(code),
    metadata: true,
    type: 'realtime',
    keywords: '',
    group: code === 'staff_complaint' ? 'شکایات' : 'خدمات شهری',
  }));
}

export function isServiceCode(code: string): code is CaseCategory {
  return (CASE_CATEGORIES as string[]).includes(code);
}

export function serviceDefinition(code: CaseCategory): Open311ServiceDefinition {
  const values = Array.from({ length: DISTRICT_COUNT }, (_, i) => ({ key: String(i + 1), name: districtFa(i + 1) }));
  return {
    service_code: code,
    attributes: [
      {
        variable: true,
        code: DISTRICT_ATTRIBUTE,
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: `شماره منطقه شهرداری (${toPersianDigits('1')} تا ${toPersianDigits(String(DISTRICT_COUNT))})`,
        order: 1,
        description: 'منطقه شهرداری',
        values,
      },
    ],
  };
}

export function open311Status(status: CaseStatus): Open311Status {
  return isOpen(status) ? 'open' : 'closed';
}

/** Our statuses behind an Open311 status filter. */
export function statusesFor(status: Open311Status): CaseStatus[] {
  return status === 'open' ? [...OPEN_STATUSES] : CASE_STATUSES.filter((s) => !isOpen(s));
}

export function toServiceRequest(
  c: Case,
  extra: { statusNotes: string | null; mediaUrl: string | null; serviceNotice?: string | null },
): Open311ServiceRequest {
  return {
    service_request_id: c.trackingNumber,
    status: open311Status(c.status),
    status_notes: extra.statusNotes,
    service_name: c.category === null ? null : categoryFa(c.category),
    service_code: c.category,
    description: c.description,
    agency_responsible: c.district === null ? HOTLINE_AGENCY : districtFa(c.district),
    service_notice: extra.serviceNotice ?? null,
    requested_datetime: c.createdAt.toISOString(),
    updated_datetime: c.updatedAt.toISOString(),
    // The SLA's due time: when the city expects to have dealt with it.
    expected_datetime: c.dueAt === null ? null : c.dueAt.toISOString(),
    address: c.address,
    address_id: null,
    zipcode: null,
    lat: c.lat,
    long: c.long,
    media_url: extra.mediaUrl,
  };
}

function bad(description: string): { ok: false; error: Open311Error } {
  return { ok: false, error: { code: 400, description } };
}

/** A POST requests.json body after transport decoding (form or JSON); unknown fields are ignored. */
export interface Open311PostFields {
  service_code?: string | undefined;
  lat?: number | undefined;
  long?: number | undefined;
  address_string?: string | undefined;
  address_id?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  first_name?: string | undefined;
  last_name?: string | undefined;
  description?: string | undefined;
  /** One link, or several (FixMyStreet repeats the field with `multi_photos`). */
  media_url?: string | string[] | undefined;
  attribute?: Record<string, string> | undefined;
}

export interface Open311NewRequest {
  category: CaseCategory;
  district: number | null;
  address: string | null;
  lat: number | null;
  long: number | null;
  phone: string | null;
  description: string | null;
  /** Contact details for staff (never published); a non-Iranian phone is kept here as given. */
  reporter: CaseReporter | null;
  /** Links to photos the client hosts; kept as given, never fetched. */
  mediaUrls: string[];
}

const blankToNull = (s: string | undefined) => (s === undefined || s.trim() === '' ? null : s.trim());

/**
 * Checks what the spec requires (a known service_code; a location: lat and long, or
 * address_string) and what the case model needs (a district 1..22 if given, an Iranian phone).
 * `address_id` alone is refused: there is no address database to resolve it against.
 */
export function parseNewRequest(
  fields: Open311PostFields,
): { ok: true; request: Open311NewRequest } | { ok: false; error: Open311Error } {
  const code = blankToNull(fields.service_code);
  if (code === null) return bad('service_code was not provided');
  if (!isServiceCode(code)) return bad(`service_code ${code} was not found`);

  const hasLat = fields.lat !== undefined;
  const hasLong = fields.long !== undefined;
  if (hasLat !== hasLong) return bad('lat and long must be given together');
  const address = blankToNull(fields.address_string);
  if (!hasLat && address === null) {
    return bad(
      fields.address_id
        ? 'address_id is not supported: send lat and long or address_string'
        : 'location was not provided (lat and long, or address_string)',
    );
  }

  let district: number | null = null;
  const rawDistrict = blankToNull(fields.attribute?.[DISTRICT_ATTRIBUTE]);
  if (rawDistrict !== null) {
    const n = Number(toAsciiDigits(rawDistrict));
    if (!isDistrict(n)) return bad(`attribute[${DISTRICT_ATTRIBUTE}] must be a district from 1 to ${DISTRICT_COUNT}`);
    district = n;
  }

  // An Iranian number is the case's phone (it can be called back and texted); any other
  // is kept for staff as given: a visitor's number must not make the report fail.
  const rawPhone = blankToNull(fields.phone);
  const phone = rawPhone === null ? null : normalizePhone(rawPhone);
  const otherPhone = rawPhone !== null && phone === null ? rawPhone : null;

  const email = blankToNull(fields.email);
  if (email !== null && !isEmailAddress(email)) return bad('email is not an e-mail address');

  const rawUrls = fields.media_url === undefined ? [] : Array.isArray(fields.media_url) ? fields.media_url : [fields.media_url];
  const mediaUrls = rawUrls.map((u) => u.trim()).filter(Boolean);
  if (mediaUrls.length > MAX_MEDIA_URLS) return bad(`at most ${MAX_MEDIA_URLS} media_url values`);
  const wrongUrl = mediaUrls.find((u) => !isWebUrl(u));
  if (wrongUrl !== undefined) return bad('media_url must be an http or https URL');

  const reporter: CaseReporter = {
    email,
    firstName: blankToNull(fields.first_name),
    lastName: blankToNull(fields.last_name),
    phone: otherPhone,
  };

  return {
    ok: true,
    request: {
      category: code,
      district,
      address,
      lat: fields.lat ?? null,
      long: fields.long ?? null,
      phone,
      description: blankToNull(fields.description),
      reporter: Object.values(reporter).every((v) => v === null) ? null : reporter,
      mediaUrls,
    },
  };
}

export const MAX_MEDIA_URLS = 10;

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

function isWebUrl(value: string): boolean {
  if (value.length > 2000) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export interface Open311ListQuery {
  service_request_id?: string | undefined;
  service_code?: string | undefined;
  start_date?: string | undefined;
  end_date?: string | undefined;
  status?: string | undefined;
  page?: number | undefined;
  page_size?: number | undefined;
}

export interface Open311ListFilter {
  trackingNumbers?: string[];
  categories?: CaseCategory[];
  statuses?: CaseStatus[];
  createdFrom?: Date;
  createdTo?: Date;
  limit: number;
  offset: number;
}

/** The spec's servers answer at most a few hundred; `page` and `page_size` reach the rest. */
export const MAX_PAGE_SIZE = 500;

/** Without dates the spec returns the last 90 days. */
export const DEFAULT_WINDOW_DAYS = 90;

// The spec's subset of ISO 8601: a date and time with Z or an offset.
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function parseDate(value: string, field: string): Date | Open311Error {
  const ms = ISO_DATETIME.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) return { code: 400, description: `${field} must be an ISO 8601 date-time with a time zone` };
  return new Date(ms);
}

/**
 * The GET requests.json filters. `service_request_id` (comma-separated) overrides the
 * others, as the spec says; `status` may list both values ("open,closed").
 */
export function parseListQuery(
  query: Open311ListQuery,
  now: Date,
): { ok: true; filter: Open311ListFilter } | { ok: false; error: Open311Error } {
  const pageSize = query.page_size ?? MAX_PAGE_SIZE;
  const page = query.page ?? 1;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) return bad(`page_size must be from 1 to ${MAX_PAGE_SIZE}`);
  if (!Number.isInteger(page) || page < 1) return bad('page must be 1 or more');
  const paging = { limit: pageSize, offset: (page - 1) * pageSize };

  const ids = blankToNull(query.service_request_id);
  if (ids !== null) {
    const trackingNumbers = ids.split(',').map((s) => toAsciiDigits(s.trim())).filter(Boolean);
    const wrong = trackingNumbers.find((id) => !isValidTrackingNumber(id));
    if (wrong !== undefined) return bad(`service_request_id ${wrong} is not a tracking number`);
    return { ok: true, filter: { trackingNumbers, ...paging } };
  }

  const filter: Open311ListFilter = { ...paging };
  const codes = blankToNull(query.service_code);
  if (codes !== null) {
    // A comma list, as for service_request_id: any of these services.
    const wanted = [...new Set(codes.split(',').map((c) => c.trim()).filter(Boolean))];
    const unknown = wanted.find((c) => !isServiceCode(c));
    if (unknown !== undefined) return bad(`service_code ${unknown} was not found`);
    filter.categories = wanted as CaseCategory[];
  }

  const status = blankToNull(query.status);
  if (status !== null) {
    const wanted = new Set(status.split(',').map((s) => s.trim()));
    for (const s of wanted) if (s !== 'open' && s !== 'closed') return bad(`status must be open or closed, not ${s}`);
    if (wanted.size === 1) filter.statuses = statusesFor([...wanted][0] as Open311Status);
  }

  const start = blankToNull(query.start_date);
  const end = blankToNull(query.end_date);
  const from = start === null ? null : parseDate(start, 'start_date');
  if (from !== null && !(from instanceof Date)) return { ok: false, error: from };
  const to = end === null ? null : parseDate(end, 'end_date');
  if (to !== null && !(to instanceof Date)) return { ok: false, error: to };
  if (from && to && from > to) return bad('start_date is after end_date');
  if (from) filter.createdFrom = from;
  // Without a start: the 90 days before the end (or before now).
  else filter.createdFrom = new Date((to ?? now).getTime() - DEFAULT_WINDOW_DAYS * 86_400_000);
  if (to) filter.createdTo = to;
  return { ok: true, filter };
}

/** The version of this server's Open311 (the service list, fields and formats). */
export const OPEN311_CHANGESET = '2026-12-02T00:00:00Z';
export const OPEN311_SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
export const OPEN311_FORMATS = ['text/xml', 'application/json'] as const;

export interface Open311Discovery {
  changeset: string;
  contact: string;
  key_service: string;
  endpoints: { specification: string; url: string; changeset: string; type: 'production'; formats: string[] }[];
}

/** The discovery document (GeoReport v2 "Service Discovery"): where the endpoint is and what it speaks. */
export function discoveryDocument(endpointUrl: string): Open311Discovery {
  return {
    changeset: OPEN311_CHANGESET,
    contact: `${HOTLINE_AGENCY}: تلفن ۱۳۷`,
    key_service: 'کلید api_key برای ثبت درخواست را مدیر سامانه ۱۳۷ می‌دهد.',
    endpoints: [
      {
        specification: OPEN311_SPECIFICATION,
        url: endpointUrl,
        changeset: OPEN311_CHANGESET,
        type: 'production',
        formats: [...OPEN311_FORMATS],
      },
    ],
  };
}
