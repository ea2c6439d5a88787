import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN311_KEY, PASSWORD, ROLE_NAMES, SMS_TOKEN, openApiSurface, streamStatus, type ApiSurface, type RoleName } from '../helpers/api-surface.js';
import { routeTable } from '../helpers/route-table.js';

/**
 * Every route × every role, against the expected status: who may do what is written down
 * here, route by route. The route list comes from the app itself, so a new route without
 * a row fails the test until someone decides who may call it.
 *
 * Roles: none (no token), an agent, a district user of another district than the sample
 * case's, a supervisor, the admin token. Asterisk is down in these runs (agent actions a
 * role may take answer 503), dispatch is not running (503).
 */

type Statuses = [none: number, agent: number, district: number, supervisor: number, admin: number];

interface Row {
  url: (s: ApiSurface) => string;
  body?: (s: ApiSurface) => unknown;
  headers?: Record<string, string>;
  /** Ends the session it uses: sent with a fresh token each time. */
  endsSession?: true;
  /** Puts back what the request takes away (run before each role's request). */
  before?: (s: ApiSurface) => Promise<unknown>;
  /** A Server-Sent Events stream: sent over a real socket. */
  stream?: true;
  expect: Statuses;
}

const ALL = (status: number): Statuses => [status, status, status, status, status];
const page = (url: string): Row => ({ url: () => url, expect: ALL(200) });
const unknownId = () => randomUUID();
const DAY = { open: '07:00', close: '19:00' };
const OPEN_WEEK = { saturday: DAY, sunday: DAY, monday: DAY, tuesday: DAY, wednesday: DAY, thursday: DAY, friday: null };
let lastHolidayId = 0;

const MATRIX: Record<string, Row> = {
  // Pages and their assets hold no data: public.
  'GET /agent': page('/agent'),
  'GET /agent/:file': page('/agent/agent.js'),
  'GET /district': page('/district'),
  'GET /district/:file': page('/district/inbox.js'),
  'GET /wallboard': page('/wallboard'),
  'GET /wallboard/:file': page('/wallboard/board.js'),
  'GET /shared/:file': page('/shared/session.js'),
  'GET /report': page('/report'),
  'GET /report/report.js': page('/report/report.js'),
  'GET /report/report.css': page('/report/report.css'),
  'GET /reports': page('/reports'),
  'GET /reports/:file': page('/reports/charts.js'),
  'GET /cases': page('/cases'),
  'GET /cases/:file': page('/cases/cases.js'),
  'GET /hours': page('/hours'),
  'GET /hours/:file': page('/hours/hours.js'),
  'GET /knowledge': page('/knowledge'),
  'GET /knowledge/:file': page('/knowledge/knowledge.js'),
  'GET /faq': page('/faq'),
  'GET /faq/:file': page('/faq/faq.js'),
  'GET /qa': page('/qa'),
  'GET /qa/:file': page('/qa/qa.js'),
  'GET /docs': page('/docs'),
  'GET /docs/': page('/docs/'),
  // The UI lives at /docs; its old address sends there.
  'GET /docs/static/index.html': { url: () => '/docs/static/index.html', expect: ALL(302) },
  'GET /docs/static/swagger-initializer.js': page('/docs/static/swagger-initializer.js'),
  'GET /docs/*': page('/docs/static/swagger-ui.css'),
  'GET /docs/json': page('/docs/json'),
  'GET /docs/yaml': page('/docs/yaml'),
  'GET /metrics': page('/metrics'),
  'GET /api/health': page('/api/health'),

  // Public ways in: a token changes nothing, except at the SMS webhook, where a bearer
  // token is taken as the webhook's and a user's is the wrong one.
  'POST /api/auth/login': { url: () => '/api/auth/login', body: (s) => ({ username: s.usernames.spare, password: PASSWORD }), expect: ALL(200) },
  'POST /api/public/cases': {
    url: () => '/api/public/cases',
    body: () => ({ category: 'parks_trees', address: 'Vali-Asr St. 12', description: 'A broken bench', phone: '09121234567' }),
    expect: ALL(201),
  },
  'GET /api/public/cases/:trackingNumber/status': { url: (s) => `/api/public/cases/${s.trackingNumber}/status`, expect: ALL(200) },
  'GET /api/public/faq': { url: () => `/api/public/faq?q=${encodeURIComponent('درخت')}`, expect: ALL(200) },
  'POST /api/sms/inbound': {
    url: () => '/api/sms/inbound',
    headers: { 'x-webhook-token': SMS_TOKEN },
    body: () => ({ from: '09121234567', text: 'The street light is out' }),
    expect: [200, 401, 401, 401, 401],
  },
  'POST /api/sms/delivery': {
    url: () => '/api/sms/delivery',
    headers: { 'x-webhook-token': SMS_TOKEN },
    body: () => ({ messageid: 8792343, status: 10 }),
    expect: [200, 401, 401, 401, 401],
  },
  // The CORS preflight of every Open311 resource (/open311/*; Fastify prints it as `*`).
  'OPTIONS *': { url: () => '/open311/v2/requests.json', headers: { origin: 'https://app.example' }, expect: ALL(204) },
  'GET /open311/discovery.json': page('/open311/discovery.json'),
  'GET /open311/discovery.xml': page('/open311/discovery.xml'),
  'GET /open311/v2/media/:media_id': { url: () => '/open311/v2/media/00000000-0000-4000-8000-000000000000', expect: ALL(404) },
  'GET /open311/v2/services.json': page('/open311/v2/services.json'),
  'GET /open311/v2/services.xml': page('/open311/v2/services.xml'),
  'GET /open311/v2/services/:service_code.json': page('/open311/v2/services/parks_trees.json'),
  'GET /open311/v2/services/:service_code.xml': page('/open311/v2/services/parks_trees.xml'),
  'GET /open311/v2/requests.json': page('/open311/v2/requests.json'),
  'GET /open311/v2/requests.xml': page('/open311/v2/requests.xml'),
  // Open311 publishes only what was filed through it: the sample case came in by hand.
  'GET /open311/v2/requests/:service_request_id.json': { url: (s) => `/open311/v2/requests/${s.trackingNumber}.json`, expect: ALL(404) },
  'GET /open311/v2/requests/:service_request_id.xml': { url: (s) => `/open311/v2/requests/${s.trackingNumber}.xml`, expect: ALL(404) },
  'POST /open311/v2/requests.json': {
    url: () => `/open311/v2/requests.json?api_key=${OPEN311_KEY}`,
    body: () => ({ service_code: 'parks_trees', lat: 35.7, long: 51.4, description: 'A fallen tree' }),
    expect: ALL(200),
  },
  'POST /open311/v2/requests.xml': {
    url: () => `/open311/v2/requests.xml?api_key=${OPEN311_KEY}`,
    body: () => ({ service_code: 'parks_trees', lat: 35.7, long: 51.4, description: 'A fallen tree' }),
    expect: ALL(200),
  },

  // Everyone signed in.
  'GET /api/auth/me': { url: () => '/api/auth/me', expect: [401, 200, 200, 200, 200] },
  'POST /api/auth/logout': { url: () => '/api/auth/logout', endsSession: true, expect: [401, 204, 204, 204, 204] },
  'GET /api/hours': { url: () => '/api/hours', expect: [401, 200, 200, 200, 200] },
  'PUT /api/hours/override': { url: () => '/api/hours/override', body: () => ({ mode: 'auto' }), expect: [401, 403, 403, 200, 200] },
  'GET /api/hours/calendar': { url: () => '/api/hours/calendar', expect: [401, 403, 403, 200, 200] },
  'PUT /api/hours/weekly': {
    url: () => '/api/hours/weekly',
    body: () => ({ weekly: { ...OPEN_WEEK }, observeHolidays: true }),
    expect: [401, 403, 403, 200, 200],
  },
  'POST /api/hours/holidays': {
    url: () => '/api/hours/holidays',
    // A fresh name each time: the same day and name twice is a conflict.
    body: () => ({ date: '1406/09/01', name: `آلودگی هوا ${randomUUID()}`, kind: 'closure', district: 3 }),
    expect: [401, 403, 403, 201, 201],
  },
  'DELETE /api/hours/holidays/:id': {
    url: () => `/api/hours/holidays/${lastHolidayId}`,
    before: async (s) => {
      const res = await s.app.inject({
        method: 'POST',
        url: '/api/hours/holidays',
        headers: { authorization: `Bearer ${s.tokens.admin}` },
        payload: { date: '1406/09/02', name: `تعطیل ${randomUUID()}`, kind: 'closure' },
      });
      lastHolidayId = (res.json() as { id: number }).id;
    },
    expect: [401, 403, 403, 204, 204],
  },
  'PUT /api/hours/districts/:id': { url: () => '/api/hours/districts/3', body: () => ({ officeHours: null }), expect: [401, 403, 403, 200, 200] },

  // Accounts: admins only.
  'GET /api/users': { url: () => '/api/users', expect: [401, 403, 403, 403, 200] },
  'POST /api/users': {
    url: () => '/api/users',
    body: () => ({ username: `u${randomUUID().slice(0, 8)}`, displayName: 'New', role: 'agent', password: 'long enough password' }),
    expect: [401, 403, 403, 403, 201],
  },
  'PATCH /api/users/:id': { url: (s) => `/api/users/${s.ids.spare}`, body: () => ({ displayName: 'Renamed' }), expect: [401, 403, 403, 403, 200] },

  // Cases: a district user reads and acts on their own district's only (the sample is another's: 404).
  'GET /api/cases': { url: () => '/api/cases', expect: [401, 200, 200, 200, 200] },
  'POST /api/cases': {
    url: () => '/api/cases',
    body: () => ({ category: 'parks_trees', description: 'Taken by hand' }),
    expect: [401, 201, 403, 201, 201],
  },
  'GET /api/cases/:trackingNumber': { url: (s) => `/api/cases/${s.trackingNumber}`, expect: [401, 200, 404, 200, 200] },
  'PATCH /api/cases/:trackingNumber': {
    url: (s) => `/api/cases/${s.trackingNumber}`,
    body: () => ({ district: 3 }),
    expect: [401, 200, 404, 200, 200],
  },
  'GET /api/cases/:trackingNumber/photos': { url: (s) => `/api/cases/${s.trackingNumber}/photos`, expect: [401, 200, 404, 200, 200] },
  'GET /api/cases/:trackingNumber/photos/:photoId': {
    url: (s) => `/api/cases/${s.trackingNumber}/photos/00000000-0000-4000-8000-000000000000`,
    expect: [401, 404, 404, 404, 404],
  },
  'GET /api/cases/:trackingNumber/recording': { url: (s) => `/api/cases/${s.trackingNumber}/recording`, expect: [401, 404, 404, 404, 404] },
  'GET /api/cases/:trackingNumber/timeline': { url: (s) => `/api/cases/${s.trackingNumber}/timeline`, expect: [401, 200, 404, 200, 200] },
  // Triage in bulk: the back office (supervisors, admins); an agent reads cases but does not triage.
  'POST /api/cases/bulk': {
    url: () => '/api/cases/bulk',
    body: (s) => ({ trackingNumbers: [s.trackingNumber], district: 3 }),
    expect: [401, 403, 403, 200, 200],
  },
  // Asking for a caller's number is open to whoever may read the case (and is recorded).
  'POST /api/cases/:trackingNumber/reveal-phone': { url: (s) => `/api/cases/${s.trackingNumber}/reveal-phone`, expect: [401, 200, 404, 200, 200] },
  // Only the case's own district sends it back (another district does not see it: 404).
  'POST /api/cases/:trackingNumber/decline': {
    url: (s) => `/api/cases/${s.trackingNumber}/decline`,
    body: () => ({ note: 'Belongs to district 4' }),
    expect: [401, 403, 404, 403, 403],
  },
  // Pinning a case on the map routes it by place: those who route cases.
  'PUT /api/cases/:trackingNumber/location': {
    url: (s) => `/api/cases/${s.trackingNumber}/location`,
    body: () => ({ lat: 35.7, long: 51.4 }),
    expect: [401, 200, 404, 200, 200],
  },

  // Who receives cases: the staff who route read it; admins change it.
  'GET /api/units': { url: () => '/api/units', expect: [401, 200, 403, 200, 200] },
  'POST /api/units': {
    url: () => '/api/units',
    body: () => ({ id: `body-${randomUUID().slice(0, 8)}`, kind: 'body', name: 'سازمان آب' }),
    expect: [401, 403, 403, 403, 201],
  },
  'PATCH /api/units/:id': { url: () => '/api/units/no-such-unit', body: () => ({ name: 'x' }), expect: [401, 403, 403, 403, 404] },
  'GET /api/districts': { url: () => '/api/districts', expect: [401, 200, 403, 200, 200] },
  'PATCH /api/districts/:id': { url: () => '/api/districts/5', body: () => ({ contacts: [] }), expect: [401, 403, 403, 403, 200] },
  'GET /api/cases/:trackingNumber/surveys': { url: (s) => `/api/cases/${s.trackingNumber}/surveys`, expect: [401, 403, 403, 200, 200] },

  // Calls: agents, supervisors, admins (an unknown call: 404).
  'POST /api/calls/:callId/case': {
    url: () => `/api/calls/${unknownId()}/case`,
    body: () => ({ category: 'parks_trees', description: 'From a call' }),
    expect: [401, 404, 403, 404, 404],
  },
  'POST /api/calls/:callId/link': {
    url: () => `/api/calls/${unknownId()}/link`,
    body: (s) => ({ trackingNumber: s.trackingNumber }),
    expect: [401, 404, 403, 404, 404],
  },

  // Agents: the agent acts on themselves (Asterisk down: 503), supervisors and admins on anyone.
  'GET /api/agents': { url: () => '/api/agents', expect: [401, 200, 403, 200, 200] },
  'GET /api/agents/me': { url: () => '/api/agents/me', expect: [401, 200, 403, 403, 403] },
  'PUT /api/agents/:id': {
    url: (s) => `/api/agents/${s.ids.agent}`,
    body: () => ({ queues: [{ queue: 'general', penalty: 0 }] }),
    expect: [401, 403, 403, 200, 200],
  },
  'GET /api/agents/:id/sip': { url: (s) => `/api/agents/${s.ids.agent}/sip`, expect: [401, 200, 403, 200, 200] },
  'POST /api/agents/:id/login': { url: (s) => `/api/agents/${s.ids.agent}/login`, expect: [401, 503, 403, 503, 503] },
  'POST /api/agents/:id/logout': { url: (s) => `/api/agents/${s.ids.agent}/logout`, expect: [401, 503, 403, 503, 503] },
  'POST /api/agents/:id/unpause': { url: (s) => `/api/agents/${s.ids.agent}/unpause`, expect: [401, 409, 403, 409, 409] },
  'POST /api/agents/:id/pause': {
    url: (s) => `/api/agents/${s.ids.agent}/pause`,
    body: () => ({ reason: 'break' }),
    expect: [401, 409, 403, 409, 409],
  },
  'POST /api/agents/:id/wrap-up/end': { url: (s) => `/api/agents/${s.ids.agent}/wrap-up/end`, expect: [401, 409, 403, 409, 409] },
  'GET /api/agents/:id/events': { url: (s) => `/api/agents/${s.ids.agent}/events`, stream: true, expect: [401, 200, 403, 200, 200] },
  // The admin token is no user and has no phone.
  'POST /api/agents/:id/listen': { url: (s) => `/api/agents/${s.ids.agent}/listen`, expect: [401, 403, 403, 409, 409] },

  // Supervisors' phones: a supervisor their own, admins anyone's.
  'PUT /api/supervisors/:id/phone': { url: (s) => `/api/supervisors/${s.ids.supervisor}/phone`, body: () => ({}), expect: [401, 403, 403, 200, 200] },
  'GET /api/supervisors/:id/phone': { url: (s) => `/api/supervisors/${s.ids.supervisor}/phone`, expect: [401, 403, 403, 200, 200] },

  // Supervision: supervisors and admins.
  'GET /api/queues/stats': { url: () => '/api/queues/stats', expect: [401, 403, 403, 200, 200] },
  'GET /api/queues/stats/stream': { url: () => '/api/queues/stats/stream', stream: true, expect: [401, 403, 403, 200, 200] },
  'POST /api/dispatch/:jobId/retry': { url: () => '/api/dispatch/case-x-district-3/retry', expect: [401, 403, 403, 503, 503] },
  'GET /api/do-not-call': { url: () => '/api/do-not-call', expect: [401, 403, 403, 200, 200] },
  'POST /api/do-not-call': { url: () => '/api/do-not-call', body: () => ({ phone: '09127654321' }), expect: [401, 403, 403, 201, 201] },
  'DELETE /api/do-not-call/:phone': {
    url: () => '/api/do-not-call/09127654321',
    before: (s) => s.app.inject({ method: 'POST', url: '/api/do-not-call', headers: { authorization: `Bearer ${s.tokens.admin}` }, payload: { phone: '09127654321' } }),
    expect: [401, 403, 403, 204, 204],
  },
  'GET /api/surveys/flagged': { url: () => '/api/surveys/flagged', expect: [401, 403, 403, 200, 200] },
  'GET /api/surveys/:id/comment': { url: () => `/api/surveys/${unknownId()}/comment`, expect: [401, 403, 403, 404, 404] },
  'POST /api/surveys/:id/review': { url: () => `/api/surveys/${unknownId()}/review`, body: () => ({}), expect: [401, 403, 403, 404, 404] },
  // Recorded conversations: an agent lists and hears only their own calls' (an unknown id: 404); the audit is the back office's.
  'GET /api/recordings': { url: () => '/api/recordings', expect: [401, 200, 403, 200, 200] },
  'GET /api/recordings/:id/audio': { url: () => `/api/recordings/${unknownId()}/audio`, expect: [401, 404, 403, 404, 404] },
  'GET /api/recordings/:id/listens': { url: () => `/api/recordings/${unknownId()}/listens`, expect: [401, 403, 403, 404, 404] },
  // Quality: supervisors score and settle disputes; an agent reads the forms and their own scores, and disputes them.
  'GET /api/qa/forms': { url: () => '/api/qa/forms', expect: [401, 200, 403, 200, 200] },
  'POST /api/qa/forms': {
    url: () => '/api/qa/forms',
    body: () => ({ name: 'Form', criteria: [{ id: 'greeting', label: 'Greeting', weight: 1, critical: false }] }),
    expect: [401, 403, 403, 201, 201],
  },
  'POST /api/qa/evaluations': {
    url: () => '/api/qa/evaluations',
    body: () => ({ recordingId: unknownId(), formId: unknownId(), answers: { greeting: 100 } }),
    expect: [401, 403, 403, 404, 404],
  },
  'GET /api/qa/evaluations': { url: () => '/api/qa/evaluations', expect: [401, 200, 403, 200, 200] },
  'POST /api/qa/evaluations/:id/dispute': { url: () => `/api/qa/evaluations/${unknownId()}/dispute`, body: () => ({ reason: 'Not fair' }), expect: [401, 404, 403, 403, 403] },
  'POST /api/qa/evaluations/:id/resolve': {
    url: () => `/api/qa/evaluations/${unknownId()}/resolve`,
    body: () => ({ outcome: 'upheld', note: 'Stands' }),
    expect: [401, 403, 403, 404, 404],
  },
  'GET /api/qa/recordings/:id/calibration': { url: () => `/api/qa/recordings/${unknownId()}/calibration`, expect: [401, 403, 403, 404, 404] },
  'GET /api/qa/sample': { url: () => '/api/qa/sample?week=1405-09-07', expect: [401, 403, 403, 200, 200] },
  // The knowledge base: supervisors and admins write, agents read, vote and record what they used.
  'GET /api/knowledge/articles': { url: () => '/api/knowledge/articles', expect: [401, 200, 403, 200, 200] },
  'POST /api/knowledge/articles': {
    url: () => '/api/knowledge/articles',
    body: () => ({ title: 'هرس درختان', body: '<p>درخواست هرس</p>', category: 'parks_trees', district: null, reviewOn: null, published: true, citizenFacing: false }),
    expect: [401, 403, 403, 201, 201],
  },
  'GET /api/knowledge/articles/:id': { url: () => `/api/knowledge/articles/${unknownId()}`, expect: [401, 404, 403, 404, 404] },
  'PUT /api/knowledge/articles/:id': {
    url: () => `/api/knowledge/articles/${unknownId()}`,
    body: () => ({ title: 'هرس', body: '<p>متن</p>', category: null, district: 3, reviewOn: '2027-01-01', published: false, citizenFacing: false }),
    expect: [401, 403, 403, 404, 404],
  },
  'DELETE /api/knowledge/articles/:id': { url: () => `/api/knowledge/articles/${unknownId()}`, expect: [401, 403, 403, 404, 404] },
  'PUT /api/knowledge/articles/:id/votes': {
    url: () => `/api/knowledge/articles/${unknownId()}/votes`,
    body: () => ({ callId: unknownId(), useful: true }),
    expect: [401, 404, 403, 404, 404],
  },
  'GET /api/knowledge/search': { url: () => `/api/knowledge/search?q=${encodeURIComponent('درخت')}`, expect: [401, 200, 403, 200, 200] },
  'GET /api/knowledge/suggestions': { url: () => '/api/knowledge/suggestions?category=parks_trees&district=3', expect: [401, 200, 403, 200, 200] },
  'POST /api/calls/:callId/articles': { url: () => `/api/calls/${unknownId()}/articles`, body: () => ({ articleId: unknownId() }), expect: [401, 404, 403, 404, 404] },
  'GET /api/calls/:callId/articles': { url: () => `/api/calls/${unknownId()}/articles`, expect: [401, 404, 403, 404, 404] },
  'GET /api/reports/quality': { url: () => '/api/reports/quality?from=1405-09-01&to=1405-09-30&by=agent', expect: [401, 403, 403, 200, 200] },
  'GET /api/reports/calls': { url: () => '/api/reports/calls?from=1405-01-01&to=1405-01-07', expect: [401, 403, 403, 200, 200] },
  'GET /api/reports/cases': { url: () => '/api/reports/cases?from=1405-01-01&to=1405-01-07', expect: [401, 403, 403, 200, 200] },
  'GET /api/reports/satisfaction': { url: () => '/api/reports/satisfaction?from=1405-01-01&to=1405-01-07', expect: [401, 403, 403, 200, 200] },
  'GET /api/reports/agents': { url: () => '/api/reports/agents?from=1405-01-01&to=1405-01-07&period=week', expect: [401, 403, 403, 200, 200] },
  'GET /api/reports/citizens': { url: () => '/api/reports/citizens?from=1405-01-01&to=1405-01-07&by=segment', expect: [401, 403, 403, 200, 200] },
};

let s: ApiSurface;

beforeAll(async () => {
  s = await openApiSurface();
}, 120_000);

afterAll(async () => {
  await s?.close();
});

async function send(key: string, row: Row, role: RoleName): Promise<{ status: number; body: unknown }> {
  const method = key.slice(0, key.indexOf(' '));
  await row.before?.(s);
  let token = s.tokens[role];
  if (row.endsSession && token && role !== 'admin') token = await s.login(s.usernames[role as 'agent' | 'district' | 'supervisor']);
  const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...row.headers };
  if (row.stream) return streamStatus(await s.listen(), row.url(s), token, row.headers);
  const body = row.body?.(s);
  const res = await s.app.inject({ method: method as 'GET', url: row.url(s), headers, ...(body === undefined ? {} : { payload: body as object }) });
  const json = (res.headers['content-type'] ?? '').toString().includes('json') ? res.json() : null;
  return { status: res.statusCode, body: json };
}

describe('role matrix', () => {
  it('has a row for every route of the app, and none for a route it does not have', () => {
    const routes = routeTable(s.app);
    expect(routes.length).toBeGreaterThan(60);
    expect(routes.filter((route) => !(route in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((route) => !routes.includes(route))).toEqual([]);
  });

  it('answers every route, for every role, with the status in the table', async () => {
    const differences: string[] = [];
    for (const [key, row] of Object.entries(MATRIX)) {
      for (const [i, role] of ROLE_NAMES.entries()) {
        const { status, body } = await send(key, row, role);
        if (status !== row.expect[i]) differences.push(`${key} as ${role}: ${status} (expected ${row.expect[i]}) ${JSON.stringify(body)?.slice(0, 160)}`);
      }
    }
    expect(differences).toEqual([]);
  }, 240_000);
});
