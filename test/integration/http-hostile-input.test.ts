import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN311_KEY, SMS_TOKEN, openApiSurface, type ApiSurface } from '../helpers/api-surface.js';

/**
 * The findings of issue 12 under "500s on hostile input" and "Unknown fields", each as a
 * request: a clear 4xx in the API's error shape (Open311's on its routes), nothing stored.
 */

let s: ApiSurface;

beforeAll(async () => {
  s = await openApiSurface();
}, 120_000);

afterAll(async () => {
  await s?.close();
});

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function as(role: 'agent' | 'supervisor' | 'admin' | null, method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const token = role ? s.tokens[role] : null;
  return s.app.inject({
    method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    ...(payload === undefined ? {} : typeof payload === 'string' ? { payload } : { payload: payload as object }),
  });
}

function expectRefused(res: { statusCode: number; json(): unknown }, status = 400, code = 'HOTLINE_ERR_VALIDATION') {
  expect(res.statusCode).toBe(status);
  expect(res.json()).toMatchObject({ error: { code, message: expect.any(String) } });
}

function expectOpen311Refused(res: { statusCode: number; json(): unknown }, status = 400) {
  expect(res.statusCode).toBe(status);
  expect(res.json()).toEqual([{ code: status, description: expect.any(String) }]);
}

const caseCount = async () => (await s.backend.repos.cases.list({ limit: 500 })).length;

describe('unknown fields are refused, not dropped', () => {
  it('refuses a case change carrying a field the API does not have, and changes nothing', async () => {
    const before = await s.backend.repos.cases.findByTrackingNumber(s.trackingNumber);
    // The issue's own example sent `category`, which PATCH now takes (reclassification): an
    // unknown field beside known ones is the same hole.
    const res = await as('supervisor', 'PATCH', `/api/cases/${s.trackingNumber}`, { priority: 'urgent', district: 5, note: 'triage' });
    expectRefused(res);
    expect(res.json()).toMatchObject({ error: { details: { in: 'body', field: 'priority' } } });
    const after = await s.backend.repos.cases.findByTrackingNumber(s.trackingNumber);
    expect(after?.district).toBe(before?.district);
    expect(after?.events.length).toBe(before?.events.length);
  });

  it('refuses unknown fields in bodies, query strings and nested objects', async () => {
    expectRefused(await as('admin', 'POST', '/api/users', { username: 'mallory', displayName: 'M', role: 'agent', password: 'long enough pw', isAdmin: true }));
    expectRefused(await as('supervisor', 'GET', '/api/cases?limit=5&sort=phone'));
    expectRefused(await as('supervisor', 'PUT', `/api/agents/${s.ids.agent}`, { queues: [{ queue: 'general', penalty: 0, priority: 1 }] }));
    expect((await s.backend.repos.users.list()).some((u) => u.username === 'mallory')).toBe(false);
  });

  it('takes every GeoReport v2 field an Open311 client sends, as a form or JSON, and refuses others', async () => {
    const form = new URLSearchParams({
      api_key: OPEN311_KEY,
      jurisdiction_id: 'tehran.ir',
      service_code: 'parks_trees',
      lat: '35.7',
      long: '51.4',
      address_string: 'Vali-Asr St.',
      address_id: 'a-1',
      email: 'citizen@example.org',
      device_id: 'd-1',
      account_id: 'acc-1',
      first_name: 'Sara',
      last_name: 'Ahmadi',
      phone: '09121234567',
      description: 'A fallen tree\r\nblocks the pavement',
      media_url: 'https://example.org/tree.jpg',
      'attribute[district]': '7',
    }).toString();
    const filed = await as(null, 'POST', '/open311/v2/requests.json', form, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(filed.statusCode).toBe(200);

    const before = await caseCount();
    expectOpen311Refused(await as(null, 'POST', '/open311/v2/requests.json', { api_key: OPEN311_KEY, service_code: 'parks_trees', lat: 35.7, long: 51.4, priority: 'urgent' }));
    expectOpen311Refused(await as(null, 'GET', '/open311/v2/requests.json?sort=desc'));
    expect(await caseCount()).toBe(before);
    // Clients send their key with every call; it is taken, not refused.
    expect((await as(null, 'GET', `/open311/v2/services.json?api_key=${OPEN311_KEY}&jurisdiction_id=tehran.ir`)).statusCode).toBe(200);
  });

  it("keeps taking an SMS gateway's own fields (never read): a citizen's message is not lost over one", async () => {
    const res = await as(null, 'POST', '/api/sms/inbound', { from: '09121234567', text: 'Broken light', to: '137', keyword: 'x', gateway: { id: 1 } }, { 'x-webhook-token': SMS_TOKEN });
    expect(res.statusCode).toBe(200);
    expect(res.json().action).toBe('created');
  });
});

describe('control characters and bidi overrides in text', () => {
  const NUL = 'before\u0000after';

  it('refuses a NUL byte in every text a citizen or a user sends, with 400, never 500, and stores nothing', async () => {
    const before = await caseCount();
    const publicCase = { category: 'parks_trees', address: 'Vali-Asr St.', description: 'A broken bench', phone: '09121234567' };
    expectRefused(await as(null, 'POST', '/api/public/cases', { ...publicCase, description: NUL }));
    expectRefused(await as(null, 'POST', '/api/public/cases', { ...publicCase, address: NUL }));
    expectRefused(await as(null, 'POST', '/api/public/cases', { ...publicCase, phone: '0912\u00001234567' }));
    expectRefused(await as(null, 'POST', '/api/sms/inbound', { from: '09121234567', text: NUL }, { 'x-webhook-token': SMS_TOKEN }));
    expectRefused(await as(null, 'POST', '/api/sms/inbound', { from: '09121234567', text: 'x', messageId: NUL }, { 'x-webhook-token': SMS_TOKEN }));
    expectRefused(await as('agent', 'POST', '/api/cases', { category: 'parks_trees', description: NUL }));
    expectRefused(await as('supervisor', 'PATCH', `/api/cases/${s.trackingNumber}`, { status: 'rejected', note: NUL }));
    expectRefused(await as(null, 'POST', '/api/auth/login', { username: NUL, password: 'whatever it is' }));
    expectRefused(await as('supervisor', 'POST', '/api/do-not-call', { phone: '09121234567', reason: NUL }));
    expectRefused(await as('supervisor', 'GET', `/api/cases?phone=${encodeURIComponent(NUL)}`));
    expectOpen311Refused(
      await as(null, 'POST', '/open311/v2/requests.json', `api_key=${OPEN311_KEY}&service_code=parks_trees&lat=35.7&long=51.4&description=a%00b`, {
        'content-type': 'application/x-www-form-urlencoded',
      }),
    );
    expectOpen311Refused(await as(null, 'POST', '/open311/v2/requests.json', { api_key: OPEN311_KEY, service_code: 'parks_trees', address_string: NUL }));
    expect(await caseCount()).toBe(before);
  });

  it('refuses CR/LF and other controls in one-line fields, such as a name that reaches AMI', async () => {
    const user = { username: 'ali', role: 'agent', password: 'long enough pw' };
    expectRefused(await as('admin', 'POST', '/api/users', { ...user, displayName: 'Ali\r\n\r\nAction: Command\r\nCommand: core stop now' }));
    expectRefused(await as('admin', 'POST', '/api/users', { ...user, displayName: 'Ali\u001b[2J' }));
    expectRefused(await as('admin', 'PATCH', `/api/users/${s.ids.spare}`, { displayName: 'Ali\tReza' }));
    expectRefused(await as(null, 'POST', '/api/public/cases', { category: 'parks_trees', address: 'line\nbreak', description: 'x', phone: '09121234567' }));
  });

  it('refuses bidi overrides and isolates, which make a text read as something else', async () => {
    for (const mark of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']) {
      expectRefused(await as('admin', 'POST', '/api/users', { username: 'ali', role: 'agent', password: 'long enough pw', displayName: `Ali${mark}reza` }));
      expectRefused(await as('agent', 'POST', '/api/cases', { category: 'parks_trees', description: `call 0912${mark}7654321` }));
    }
  });

  it('lets a description or a note have lines and tabs', async () => {
    const res = await as('agent', 'POST', '/api/cases', { category: 'parks_trees', description: 'Line one\r\nLine two\n\tindented' });
    expect(res.statusCode).toBe(201);
    expect(res.json().description).toBe('Line one\r\nLine two\n\tindented');
  });
});

describe('numbers and ids', () => {
  it('bounds paging: offset=1e21 and other huge or negative numbers are 400', async () => {
    for (const query of ['offset=1e21', 'offset=1000001', 'offset=-1', 'limit=1e21', 'limit=0', 'offset=NaN', 'district=1e21']) {
      expectRefused(await as('supervisor', 'GET', `/api/cases?${query}`));
    }
    expectRefused(await as('supervisor', 'GET', '/api/surveys/flagged?limit=1e21'));
    expect((await as('supervisor', 'GET', '/api/cases?offset=1000000')).statusCode).toBe(200);
  });

  it('takes only a UUID as a survey id: 36 dashes are no survey (404), not a 500', async () => {
    const dashes = '-'.repeat(36);
    expectRefused(await as('supervisor', 'GET', `/api/surveys/${dashes}/comment`), 404, 'HOTLINE_ERR_NOT_FOUND');
    expectRefused(await as('supervisor', 'POST', `/api/surveys/${dashes}/review`, {}), 404, 'HOTLINE_ERR_NOT_FOUND');
    expectRefused(await as('supervisor', 'GET', `/api/surveys/${'0'.repeat(8)}-${'-'.repeat(27)}/comment`), 404, 'HOTLINE_ERR_NOT_FOUND');
    expectRefused(await as('supervisor', 'GET', `/api/surveys/${'0'.repeat(65)}/comment`));
  });

  it('refuses a queue given twice in an agent profile with 400, not a 500 from the database', async () => {
    const res = await as('supervisor', 'PUT', `/api/agents/${s.ids.spare}`, {
      queues: [
        { queue: 'general', penalty: 0 },
        { queue: 'general', penalty: 5 },
      ],
    });
    expectRefused(res);
    expect(res.json().error.details).toEqual({ in: 'body', field: 'queues' });
    expect(await s.backend.repos.agents.findByUserId(s.ids.spare)).toBeNull();
  });

  it("refuses an interface another agent's or a supervisor's phone has with 409 HOTLINE_ERR_INTERFACE_TAKEN", async () => {
    const agentLine = (await s.backend.repos.agents.findByUserId(s.ids.agent))!.interface;
    const queues = [{ queue: 'general', penalty: 0 }];
    expectRefused(await as('supervisor', 'PUT', `/api/agents/${s.ids.spare}`, { queues, interface: agentLine }), 409, 'HOTLINE_ERR_INTERFACE_TAKEN');

    // A supervisor listening on a mobile: the same number cannot also be an agent's line.
    const mobile = 'Local/09121112233@hotline-staff-phones/n';
    const phone = await as('supervisor', 'PUT', `/api/supervisors/${s.ids.supervisor}/phone`, { interface: mobile });
    expect(phone.statusCode).toBe(200);
    expect(phone.json().interface).toBe(mobile);
    expectRefused(await as('admin', 'PUT', `/api/agents/${s.ids.spare}`, { queues, interface: mobile }), 409, 'HOTLINE_ERR_INTERFACE_TAKEN');
    expect(await s.backend.repos.agents.findByUserId(s.ids.spare)).toBeNull();

    // The agent keeping their own line is no conflict.
    expect((await as('admin', 'PUT', `/api/agents/${s.ids.agent}`, { queues, interface: agentLine })).statusCode).toBe(200);
  });

  it('answers listening with the admin token, which has no phone, with 409 HOTLINE_ERR_NO_PHONE', async () => {
    expectRefused(await as('admin', 'POST', `/api/agents/${s.ids.agent}/listen`), 409, 'HOTLINE_ERR_NO_PHONE');
  });
});

describe("what Node's HTTP parser refuses", () => {
  it('answers headers over the limit with 431 in the error shape, Open311 in its own', async () => {
    const base = await s.listen();
    const huge = 'x'.repeat(20_000);
    const api = await fetch(`${base}/api/cases?phone=${huge}`);
    expect(api.status).toBe(431);
    expect(await api.json()).toEqual({ error: { code: 'HOTLINE_ERR_HEADERS_TOO_LARGE', message: expect.any(String) } });
    const open311 = await fetch(`${base}/open311/v2/requests.json?status=${huge}`);
    expect(open311.status).toBe(431);
    expect(await open311.json()).toEqual([{ code: 431, description: expect.any(String) }]);
  });
});
