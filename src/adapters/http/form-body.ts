import type { FastifyInstance } from 'fastify';

// `attribute[district]=7`: one level of brackets, as Open311 clients send attributes.
const BRACKETED = /^([^[\]]+)\[([^[\]]*)\]$/;

/**
 * An `application/x-www-form-urlencoded` body as an object: `a[b]=c` becomes
 * `{ a: { b: 'c' } }`; a repeated name keeps its last value, except `media_url`, which
 * FixMyStreet repeats for several photos (an array then). An empty field counts as
 * absent, as clients post every field of their form (`lat=&long=&address_string=…`)
 * and an empty number must not fail validation or become 0. Prototype-polluting names
 * are dropped; the result has no prototype either.
 */
export function parseFormBody(body: string): Record<string, unknown> {
  return fieldsFromPairs(new URLSearchParams(body));
}

/** Name/value pairs (a form, or the text parts of a multipart body) as parseFormBody reads them. */
export function fieldsFromPairs(pairs: Iterable<[string, string]>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [name, value] of pairs) {
    if (value === '') continue;
    const match = BRACKETED.exec(name);
    const [key, sub] = match ? [match[1]!, match[2]!] : [name, undefined];
    if (isUnsafe(key) || (sub !== undefined && isUnsafe(sub))) continue;
    if (sub === undefined) {
      const earlier = out[key];
      if (REPEATABLE.has(key) && earlier !== undefined) out[key] = [...(Array.isArray(earlier) ? earlier : [earlier]), value];
      else out[key] = value;
      continue;
    }
    let group = out[key];
    if (typeof group !== 'object' || group === null) {
      group = Object.create(null) as Record<string, unknown>;
      out[key] = group;
    }
    (group as Record<string, unknown>)[sub] = value;
  }
  return out;
}

const REPEATABLE = new Set(['media_url']);

function isUnsafe(name: string): boolean {
  return name === '__proto__' || name === 'constructor' || name === 'prototype';
}

/** Lets the routes of `scope` take HTML-form bodies as well as JSON. */
export function acceptFormBodies(scope: FastifyInstance): void {
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseFormBody(body as string));
  });
}
