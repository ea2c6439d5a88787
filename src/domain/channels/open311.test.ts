import { describe, expect, it } from 'vitest';
import { CASE_CATEGORIES, CASE_STATUSES, OPEN_STATUSES, type Case } from '../cases/case.js';
import { dammCheckDigit } from '../cases/tracking-number.js';
import { toXml } from './open311-xml.js';
import {
  DEFAULT_WINDOW_DAYS,
  discoveryDocument,
  HOTLINE_AGENCY,
  open311Services,
  open311Status,
  parseListQuery,
  parseNewRequest,
  serviceDefinition,
  statusesFor,
  toServiceRequest,
} from './open311.js';

const TN = `7654321${dammCheckDigit('7654321')}`;
const NOW = new Date('2025-01-04T10:00:00.000Z');

function aCase(over: Partial<Case> = {}): Case {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    trackingNumber: TN,
    channel: 'open311',
    category: 'streets_lighting',
    district: 7,
    callerPhone: '09121234567',
    description: 'چراغ خاموش است',
    recording: null,
    callId: null,
    address: 'خیابان شریعتی، کوچه ۱۲',
    lat: 35.75,
    long: 51.44,
    externalId: null,
    reporter: null,
    status: 'new',
    dueAt: null,
    escalatedAt: null,
    dispatchFailedAt: null,
    duplicateOf: null,
    unit: null,
    routing: 0,
    createdAt: new Date('2025-01-01T08:00:00.000Z'),
    updatedAt: new Date('2025-01-02T09:30:00.000Z'),
    ...over,
  };
}

describe('services', () => {
  it('lists every case category once, with a Persian name', () => {
    const services = open311Services();
    expect(services.map((s) => s.service_code)).toEqual(CASE_CATEGORIES);
    for (const s of services) {
      expect(s.service_name).toMatch(/[\u0600-\u06ff]/);
      expect(s).toMatchObject({ type: 'realtime', metadata: true });
    }
  });

  it('defines the optional district attribute with the 22 districts', () => {
    const def = serviceDefinition('parks_trees');
    expect(def.service_code).toBe('parks_trees');
    expect(def.attributes).toHaveLength(1);
    const [district] = def.attributes;
    expect(district).toMatchObject({ code: 'district', required: false, datatype: 'singlevaluelist', variable: true });
    expect(district!.values.map((v) => v.key)).toEqual(Array.from({ length: 22 }, (_, i) => String(i + 1)));
    expect(district!.values[6]).toEqual({ key: '7', name: 'منطقه ۷' });
  });
});

describe('status mapping', () => {
  it('is open exactly for the statuses in which the citizen still waits', () => {
    for (const s of CASE_STATUSES) expect(open311Status(s)).toBe(OPEN_STATUSES.includes(s) ? 'open' : 'closed');
    expect([...statusesFor('open'), ...statusesFor('closed')].sort()).toEqual([...CASE_STATUSES].sort());
    expect(statusesFor('closed')).toEqual(expect.arrayContaining(['resolved', 'closed', 'rejected', 'duplicate']));
  });
});

describe('toServiceRequest', () => {
  it('maps a case to the standard fields', () => {
    expect(toServiceRequest(aCase({ status: 'in_progress' }), { statusNotes: 'اکیپ اعزام شد', mediaUrl: null })).toEqual({
      service_request_id: TN,
      status: 'open',
      status_notes: 'اکیپ اعزام شد',
      service_name: 'معابر، آسفالت و روشنایی',
      service_code: 'streets_lighting',
      description: 'چراغ خاموش است',
      agency_responsible: 'منطقه ۷',
      service_notice: null,
      requested_datetime: '2025-01-01T08:00:00.000Z',
      updated_datetime: '2025-01-02T09:30:00.000Z',
      expected_datetime: null,
      address: 'خیابان شریعتی، کوچه ۱۲',
      address_id: null,
      zipcode: null,
      lat: 35.75,
      long: 51.44,
      media_url: null,
    });
  });

  it('gives unrouted, uncategorised voicebox cases to the hotline, with the recording as media', () => {
    const req = toServiceRequest(aCase({ channel: 'voicebox', category: null, district: null, status: 'resolved' }), {
      statusNotes: null,
      mediaUrl: 'http://h/api/cases/x/recording',
    });
    expect(req).toMatchObject({
      status: 'closed',
      service_code: null,
      service_name: null,
      agency_responsible: HOTLINE_AGENCY,
      media_url: 'http://h/api/cases/x/recording',
    });
  });
});

describe('parseNewRequest', () => {
  const base = { service_code: 'cleaning_waste', address_string: 'میدان ونک' };

  it('accepts a request with an address and the district attribute, normalising the phone', () => {
    expect(
      parseNewRequest({ ...base, phone: '+98 912 123 4567', description: ' زباله ', attribute: { district: '۳' } }),
    ).toEqual({
      ok: true,
      request: {
        category: 'cleaning_waste',
        district: 3,
        address: 'میدان ونک',
        lat: null,
        long: null,
        phone: '09121234567',
        description: 'زباله',
        reporter: null,
        mediaUrls: [],
      },
    });
  });

  it('keeps a foreign phone, the e-mail and the names as the reporter, never as the case phone', () => {
    const parsed = parseNewRequest({ ...base, phone: '+1 202 555 0100', email: 'jo@example.org', first_name: 'Jo', last_name: ' Doe ' });
    expect(parsed).toMatchObject({
      ok: true,
      request: { phone: null, reporter: { email: 'jo@example.org', firstName: 'Jo', lastName: 'Doe', phone: '+1 202 555 0100' } },
    });
  });

  it('takes one media_url or several, http(s) only', () => {
    expect(parseNewRequest({ ...base, media_url: 'https://fms.example/p/1.jpeg' })).toMatchObject({
      ok: true,
      request: { mediaUrls: ['https://fms.example/p/1.jpeg'] },
    });
    expect(parseNewRequest({ ...base, media_url: ['http://a.example/1.jpg', 'http://a.example/2.jpg'] })).toMatchObject({
      ok: true,
      request: { mediaUrls: ['http://a.example/1.jpg', 'http://a.example/2.jpg'] },
    });
    expect(parseNewRequest({ ...base, media_url: 'javascript:alert(1)' })).toMatchObject({ ok: false, error: { code: 400 } });
    expect(parseNewRequest({ ...base, email: 'not-an-address' })).toMatchObject({ ok: false, error: { description: /email/ } });
  });

  it('accepts lat and long instead of an address', () => {
    const parsed = parseNewRequest({ service_code: 'other', lat: 35.7, long: 51.4 });
    expect(parsed).toMatchObject({ ok: true, request: { lat: 35.7, long: 51.4, address: null, district: null } });
  });

  it.each<[string, Parameters<typeof parseNewRequest>[0], RegExp]>([
    ['no service_code', { address_string: 'x' }, /service_code was not provided/],
    ['an unknown service_code', { ...base, service_code: 'potholes' }, /service_code potholes was not found/],
    ['no location', { service_code: 'other' }, /location was not provided/],
    ['only address_id', { service_code: 'other', address_id: '42' }, /address_id is not supported/],
    ['lat without long', { service_code: 'other', lat: 35.7 }, /together/],
    ['a district out of range', { ...base, attribute: { district: '23' } }, /district from 1 to 22/],
    ['a district that is no number', { ...base, attribute: { district: 'هفت' } }, /district/],
  ])('refuses %s with a 400', (_label, fields, description) => {
    const parsed = parseNewRequest(fields);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.code).toBe(400);
      expect(parsed.error.description).toMatch(description);
    }
  });
});

describe('parseListQuery', () => {
  it('takes ids over every other filter, Persian digits included', () => {
    const other = `1234567${dammCheckDigit('1234567')}`;
    expect(parseListQuery({ service_request_id: ` ${TN},۱۲۳۴۵۶۷${dammCheckDigit('1234567')}`, status: 'bogus' }, NOW)).toEqual({
      ok: true,
      filter: { trackingNumbers: [TN, other], limit: 500, offset: 0 },
    });
  });

  it('refuses an id that is not a tracking number', () => {
    expect(parseListQuery({ service_request_id: `${TN},12345678` }, NOW)).toMatchObject({
      ok: false,
      error: { code: 400 },
    });
  });

  it('defaults to the last 90 days', () => {
    const parsed = parseListQuery({}, NOW);
    expect(parsed).toEqual({
      ok: true,
      filter: { createdFrom: new Date(NOW.getTime() - DEFAULT_WINDOW_DAYS * 86_400_000), limit: 500, offset: 0 },
    });
  });

  it('combines service, status and a date window', () => {
    const parsed = parseListQuery(
      { service_code: 'parks_trees', status: 'closed', start_date: '2024-12-01T00:00:00+03:30', end_date: '2024-12-31T23:59:59Z' },
      NOW,
    );
    expect(parsed).toEqual({
      ok: true,
      filter: {
        categories: ['parks_trees'],
        statuses: statusesFor('closed'),
        limit: 500,
        offset: 0,
        createdFrom: new Date('2024-11-30T20:30:00.000Z'),
        createdTo: new Date('2024-12-31T23:59:59.000Z'),
      },
    });
  });

  it('takes comma lists of services and pages', () => {
    expect(parseListQuery({ service_code: 'parks_trees, other,parks_trees', page: 3, page_size: 100 }, NOW)).toMatchObject({
      ok: true,
      filter: { categories: ['parks_trees', 'other'], limit: 100, offset: 200 },
    });
    expect(parseListQuery({ service_code: 'parks_trees,nope' }, NOW)).toMatchObject({ ok: false, error: { description: /nope/ } });
    expect(parseListQuery({ page_size: 501 }, NOW)).toMatchObject({ ok: false, error: { code: 400 } });
    expect(parseListQuery({ page: 0 }, NOW)).toMatchObject({ ok: false, error: { code: 400 } });
  });

  it('puts no status filter for "open,closed"', () => {
    const parsed = parseListQuery({ status: 'open,closed' }, NOW);
    expect(parsed.ok && parsed.filter.statuses).toBeUndefined();
  });

  it.each<[string, Parameters<typeof parseListQuery>[0]]>([
    ['an unknown status', { status: 'pending' }],
    ['an unknown service', { service_code: 'nope' }],
    ['a date without a time zone', { start_date: '2024-12-01T00:00:00' }],
    ['a date that is no date', { end_date: 'yesterday' }],
    ['a window that ends before it starts', { start_date: '2025-01-02T00:00:00Z', end_date: '2025-01-01T00:00:00Z' }],
  ])('refuses %s', (_label, query) => {
    expect(parseListQuery(query, NOW)).toMatchObject({ ok: false, error: { code: 400 } });
  });
});

describe('parseListQuery windows', () => {
  it('takes a start alone as open-ended, and an end alone as its 90 days', () => {
    const start = '2025-02-01T00:00:00Z';
    expect(parseListQuery({ start_date: start }, NOW)).toEqual({ ok: true, filter: { createdFrom: new Date(start), limit: 500, offset: 0 } });
    const end = new Date('2024-12-31T00:00:00Z');
    expect(parseListQuery({ end_date: end.toISOString() }, NOW)).toEqual({
      ok: true,
      filter: { createdFrom: new Date(end.getTime() - DEFAULT_WINDOW_DAYS * 86_400_000), createdTo: end, limit: 500, offset: 0 },
    });
  });
});

describe('XML and discovery', () => {
  it('writes the spec documents with its element names, escaped', () => {
    const xml = toXml('service_requests', [{ service_request_id: '1', service_notice: 'a < b & "c"', account_id: null }]);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="utf-8"?><service_requests><request><service_request_id>1</service_request_id>' +
        '<service_notice>a &lt; b &amp; &quot;c&quot;</service_notice><account_id></account_id></request></service_requests>',
    );
    const def = toXml('service_definition', serviceDefinition('other'));
    expect(def).toContain('<attributes><attribute><variable>true</variable><code>district</code>');
    expect(def).toContain('<values><value><key>1</key><name>');
    expect(toXml('errors', [{ code: 400, description: 'x\u0001' }])).toContain('<errors><error><code>400</code><description>x</description></error></errors>');
  });

  it('publishes the SLA due time as expected_datetime', () => {
    const due = new Date('2025-01-03T08:00:00.000Z');
    expect(toServiceRequest(aCase({ dueAt: due }), { statusNotes: null, mediaUrl: null }).expected_datetime).toBe(due.toISOString());
  });

  it('describes the endpoint in the discovery document', () => {
    const doc = discoveryDocument('https://137.example/open311/v2');
    expect(doc.endpoints).toEqual([
      expect.objectContaining({ url: 'https://137.example/open311/v2', specification: 'http://wiki.open311.org/GeoReport_v2', formats: ['text/xml', 'application/json'] }),
    ]);
    expect(toXml('discovery', doc)).toContain('<formats><format>text/xml</format><format>application/json</format></formats>');
  });
});
