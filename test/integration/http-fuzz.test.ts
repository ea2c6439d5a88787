import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN311_KEY, SMS_TOKEN, openApiSurface, streamStatus, type ApiSurface, type RoleName } from '../helpers/api-surface.js';

/**
 * Hostile requests, generated from the OpenAPI document, to every operation it lists:
 * bodies, query strings, path parameters and headers that are partly valid and partly
 * anything (controls, NUL, bidi overrides, huge and negative numbers, wrong types, unknown
 * fields, broken JSON, odd content types), with no token, a wrong one, or a real one of
 * each role. Every answer must be below 500 and, when 4xx, in the API's error shape
 * (Open311's list of `{ code, description }` on its routes).
 *
 * The one 5xx taken is 503 HOTLINE_ERR_DEPENDENCY_DOWN: this harness has no Asterisk and
 * no dispatch queue, and saying so is the right answer, not a failure.
 *
 * FUZZ_REQUESTS sets the count: `npm run fuzz` sends 10,000; `npm test` a few hundred.
 */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 500);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: Schema | null;
  stream: boolean;
}

let s: ApiSurface;
let operations: Operation[];
let sent = 0;
/** Answers by status class (2xx, 4xx…): the fuzz must get past validation often enough to test the handlers. */
const answered = new Map<string, number>();
/** Operations that answered below 400 at least once. */
const reachedHandler = new Set<string>();

function resolve(doc: Schema, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.split('/').pop()!;
  return ((doc.components as Schema).schemas as Record<string, Schema>)[name]!;
}

function operationsOf(doc: Schema): Operation[] {
  const found: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const parameters = ((op.parameters as Parameter[] | undefined) ?? []).map((p) => ({ ...p, schema: resolve(doc, p.schema ?? {}) }));
      const content = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content;
      const body = content ? resolve(doc, Object.values(content)[0]!.schema) : null;
      const ok = (op.responses as Record<string, { content?: Record<string, unknown> }>)['200'];
      const stream = Object.keys(ok?.content ?? {}).includes('text/event-stream');
      found.push({ method: method.toUpperCase(), path, parameters, body, stream });
    }
  }
  return found;
}

// ---- values -------------------------------------------------------------------------

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  '\u2066x\u2069',
  'Ali\r\n\r\nAction: Command\r\nCommand: core stop now',
  '\u001b[2J',
  '%00',
  '%',
  '../../etc/passwd',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '=HYPERLINK("http://x")',
  '\uD800',
  '\uFEFF',
  '𝕏𝕏𝕏',
  '۱۲۳۴۵۶۷۸',
  '1e21',
  '-1',
  'NaN',
  'Infinity',
  '9'.repeat(40),
  '-'.repeat(36),
  '00000000-0000-0000-0000-000000000000',
  '__proto__',
  'constructor',
  'true',
  'null',
  '{"a":1}',
  'ا'.repeat(5000),
];

const nastyString = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
);

const nastyNumber = fc.oneof(
  fc.constantFrom(0, -1, 1e21, -1e21, 2 ** 31, 2 ** 53 + 2, 0.5, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const nastyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** A value the schema takes, or close to it: what gets a request past validation to the handler. */
function validish(schema: Schema, name: string, path: string): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (variants) return fc.oneof(...variants.map((v) => validish(v, name, path)));
  switch (schema.type) {
    case 'integer':
      return fc.integer({ min: (schema.minimum as number | undefined) ?? -10, max: (schema.maximum as number | undefined) ?? 1_000 });
    case 'number':
      return fc.double({ min: (schema.minimum as number | undefined) ?? -1e3, max: (schema.maximum as number | undefined) ?? 1e3, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validish((schema.items as Schema | undefined) ?? {}, name, path), { maxLength: 3 });
    case 'object':
      return objectOf(schema, path);
    case 'string':
      return validString(schema, name, path);
    default:
      return nastyValue;
  }
}

function validString(schema: Schema, name: string, path: string): fc.Arbitrary<string> {
  if (schema.format === 'uuid') {
    const known = path.startsWith('/api/agents') ? [s.ids.agent] : path.startsWith('/api/supervisors') ? [s.ids.supervisor] : [s.ids.spare];
    return fc.oneof(fc.constantFrom(...known), fc.uuid());
  }
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString());
  if (name === 'trackingNumber' || name === 'service_request_id' || name === 'duplicateOf') {
    return fc.oneof(fc.constant(s.trackingNumber), fc.stringMatching(/^[0-9]{8}$/));
  }
  if (name === 'from' || name === 'to') return fc.constantFrom('1405-01-01', '1405-01-31', '1404-12-29', '1405-13-40');
  if (/phone/i.test(name)) return fc.constantFrom('09121234567', '+989121234567', '۰۹۱۲۱۲۳۴۵۶۷', '021-88776655');
  if (name === 'api_key') return fc.constantFrom(OPEN311_KEY, 'wrong-key');
  if (name === 'service_code') return fc.constantFrom('parks_trees', 'streets', 'nope');
  if (name === 'jobId') return fc.constantFrom('case-x-district-3', `case-${randomUUID()}-district-7`);
  if (name === 'interface') return fc.constantFrom('PJSIP/agent-x', 'Local/09121234567@hotline-staff-phones/n', 'PJSIP/agent-surface-agent');
  const max = Math.min((schema.maxLength as number | undefined) ?? 60, 60);
  return fc.string({ minLength: Math.min((schema.minLength as number | undefined) ?? 0, max), maxLength: max });
}

/** Some of the schema's fields, each valid or anything, and now and then one it does not have. */
function objectOf(schema: Schema, path: string): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
  const fields = Object.fromEntries(
    Object.entries(properties).map(([name, child]) => [name, fc.option(fc.oneof({ weight: 3, arbitrary: validish(child, name, path) }, { weight: 1, arbitrary: nastyValue }), { nil: undefined })]),
  );
  return fc
    .tuple(fc.record(fields), fc.option(fc.dictionary(nastyString, nastyValue, { minKeys: 1, maxKeys: 2 }), { freq: 4, nil: null }))
    .map(([known, extra]) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(known)) if (v !== undefined) out[k] = v;
      return extra ? { ...extra, ...out } : out;
    });
}

// ---- requests -----------------------------------------------------------------------

/** Percent-encodes a path segment; a lone surrogate (which encodeURIComponent throws on) goes as its UTF-8 bytes, U+FFFD. */
function pathSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return Array.from(Buffer.from(value, 'utf8'), (byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
}

/** Header values a real HTTP parser would let through: visible ASCII, space, tab and obs-text. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 60 });

type TokenChoice = RoleName | 'wrong';
const tokenChoice = fc.constantFrom<TokenChoice>('none', 'agent', 'district', 'supervisor', 'admin', 'wrong');

const authorization = (choice: TokenChoice, garbage: string) =>
  choice === 'none' ? undefined : choice === 'wrong' ? `Bearer ${garbage.trim() || 'x'}` : `Bearer ${s.tokens[choice]}`;

type Payload = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string };

function payloadFor(op: Operation): fc.Arbitrary<Payload> {
  const raw = fc.oneof(
    fc.constantFrom('{', '{"a":', '[1,2', 'null', '"str"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', 'a=1&b[c]=2&attribute[district]=%00'),
    nastyString,
  );
  const json = op.body ? fc.oneof({ weight: 4, arbitrary: objectOf(op.body, op.path) }, { weight: 1, arbitrary: nastyValue }) : nastyValue;
  return fc.oneof(
    { weight: op.body ? 6 : 1, arbitrary: json.map((value): Payload => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: raw.map((text): Payload => ({ kind: 'raw', text })) },
    { weight: op.body ? 1 : 4, arbitrary: fc.constant<Payload>({ kind: 'none' }) },
  );
}

interface FuzzRequest {
  op: Operation;
  path: Record<string, string>;
  query: [Record<string, string | undefined>, Record<string, string> | null];
  payload: Payload;
  token: TokenChoice;
  garbage: string;
  contentType: string;
  extraHeaders: Record<string, string>;
}

function requestFor(op: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const param = (p: Parameter) => fc.oneof({ weight: 3, arbitrary: validish(p.schema, p.name, op.path).map(String) }, { weight: 1, arbitrary: nastyString });
  return fc.record({
    op: fc.constant(op),
    path: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, fc.oneof({ weight: 6, arbitrary: param(p).map(pathSegment) }, { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%00', '..', '%2e%2e', '%E0%A4%A') })]))),
    query: fc.tuple(
      fc.record(Object.fromEntries(queryParams.map((p) => [p.name, fc.option(param(p), { nil: undefined })]))),
      fc.option(fc.dictionary(nastyString, nastyString, { maxKeys: 2 }), { freq: 4, nil: null }),
    ),
    payload: payloadFor(op),
    token: tokenChoice,
    garbage: headerText,
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      'application/xml',
    ),
    extraHeaders: fc.dictionary(
      fc.constantFrom('accept', 'x-request-id', 'x-webhook-token', 'x-forwarded-for', 'if-none-match', 'accept-language', 'origin', 'cookie'),
      fc.oneof(headerText, fc.constantFrom('text/csv', '*/*', SMS_TOKEN, '1.2.3.4, 5.6.7.8')),
      { maxKeys: 3 },
    ),
  });
}


function urlOf(r: FuzzRequest): string {
  let path = r.op.path;
  for (const [name, value] of Object.entries(r.path)) path = path.replace(`{${name}}`, value);
  const [known, extra] = r.query;
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...extra, ...known })) if (v !== undefined) search.append(k, v);
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

async function send(r: FuzzRequest): Promise<{ status: number; body: unknown; url: string }> {
  const url = urlOf(r);
  const headers: Record<string, string> = { ...r.extraHeaders };
  const auth = authorization(r.token, r.garbage);
  if (auth) headers.authorization = auth;
  sent += 1;
  if (r.op.stream) {
    const { authorization: _dropped, ...rest } = headers;
    const token = auth?.slice('Bearer '.length) ?? null;
    return { ...(await streamStatus(await s.listen(), url, token, rest)), url };
  }
  const payload = r.payload;
  const body = payload.kind === 'json' ? JSON.stringify(payload.value) : payload.kind === 'raw' ? payload.text : undefined;
  if (body !== undefined) headers['content-type'] = r.contentType;
  const res = await s.app.inject({ method: r.op.method as 'GET', url, headers, ...(body === undefined ? {} : { payload: body }) });
  let parsed: unknown = null;
  const type = (res.headers['content-type'] ?? '').toString();
  if (type.includes('json')) parsed = res.json();
  // An Open311 `.xml` resource answers its errors in XML, as GeoReport v2 asks.
  else if (type.includes('xml') && res.statusCode >= 400) parsed = open311XmlErrors(res.body);
  // A sign-out ended a role's session: sign in again so the rest still reaches the handlers.
  if (r.op.path === '/api/auth/logout' && res.statusCode === 204 && ['agent', 'district', 'supervisor'].includes(r.token)) {
    const role = r.token as 'agent' | 'district' | 'supervisor';
    s.tokens[role] = await s.login(s.usernames[role]);
  }
  return { status: res.statusCode, body: parsed, url };
}

/** `<errors><error><code>400</code><description>…</description></error></errors>` as the JSON form's list. */
function open311XmlErrors(xml: string): { code: number; description: string }[] | null {
  const errors = [...xml.matchAll(/<error>\s*<code>(\d+)<\/code>\s*<description>([^<]*)<\/description>\s*<\/error>/g)];
  if (!/^<\?xml[^>]*>\s*<errors>/.test(xml.trim()) || errors.length === 0) return null;
  return errors.map((m) => ({ code: Number(m[1]), description: m[2]! }));
}

function checkAnswer(r: FuzzRequest, res: { status: number; body: unknown; url: string }): void {
  const statusClass = `${String(res.status)[0]}xx`;
  answered.set(statusClass, (answered.get(statusClass) ?? 0) + 1);
  if (res.status < 400) reachedHandler.add(`${r.op.method} ${r.op.path}`);
  const what = `${r.op.method} ${res.url} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`;
  if (res.status >= 500) {
    const dependencyDown = res.status === 503 && (res.body as { error?: { code?: string } } | null)?.error?.code === 'HOTLINE_ERR_DEPENDENCY_DOWN';
    if (!dependencyDown) throw new Error(`a server error: ${what}`);
    return;
  }
  if (res.status < 400) return;
  if (r.op.path.startsWith('/open311/')) {
    const list = res.body as { code?: unknown; description?: unknown }[];
    const ok = Array.isArray(list) && list.length === 1 && list[0]!.code === res.status && typeof list[0]!.description === 'string';
    if (!ok) throw new Error(`not an Open311 error list: ${what}`);
    return;
  }
  const error = (res.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const ok = typeof error?.code === 'string' && /^HOTLINE_ERR_[A-Z_]+$/.test(error.code) && typeof error.message === 'string';
  if (!ok) throw new Error(`not a HOTLINE_ERR_* error: ${what}`);
}

beforeAll(async () => {
  s = await openApiSurface();
  const doc = await s.app.inject({ method: 'GET', url: '/docs/json' });
  operations = operationsOf(doc.json());
}, 120_000);

afterAll(async () => {
  await s?.close();
});

describe('fuzzing every operation of the OpenAPI document', () => {
  it('finds the operations to send to', () => {
    expect(operations.length).toBeGreaterThan(45);
    expect(operations.filter((op) => op.stream).map((op) => op.path).sort()).toEqual(['/api/agents/{id}/events', '/api/queues/stats/stream']);
  });

  it(`answers ${REQUESTS} hostile requests below 500, every 4xx in its documented error shape`, async () => {
    // Operations in turn, so each gets its share however many there are.
    const arbitrary = fc.nat({ max: operations.length - 1 }).chain((i) => requestFor(operations[i]!));
    await fc.assert(
      fc.asyncProperty(arbitrary, async (r) => {
        checkAnswer(r, await send(r));
      }),
      { numRuns: REQUESTS, ...(SEED === undefined ? {} : { seed: SEED })},
    );
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);
    console.info(`fuzz: ${sent} requests, ${JSON.stringify(Object.fromEntries(answered))}, ${reachedHandler.size}/${operations.length} operations answered < 400`);
    expect(answered.get('2xx') ?? 0).toBeGreaterThan(REQUESTS * 0.05);
  }, Math.max(120_000, REQUESTS * 60));
});
