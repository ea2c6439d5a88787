import type { FastifyInstance, FastifyServerOptions, RouteOptions } from 'fastify';
import { Type, type TSchemaOptions, type TStringOptions } from 'typebox';
import { isSafeBlock, isSafeLine } from '../../domain/text.js';

/**
 * What the API accepts from outside, in one place: free text in one of two formats, and
 * request schemas that refuse what they do not describe.
 */

export const TEXT_LINE_FORMAT = 'text-line';
export const TEXT_BLOCK_FORMAT = 'text-block';

/** One line of text (a name, an address, a phone, a reason): no control character, no bidi override. */
export const TextLine = (options: TStringOptions = {}) => Type.String({ ...options, format: TEXT_LINE_FORMAT });

/** Text that may have lines (a description, a note): tab, CR and LF too, no other control, no bidi override. */
export const TextBlock = (options: TStringOptions = {}) => Type.String({ ...options, format: TEXT_BLOCK_FORMAT });

/**
 * Fastify's Ajv, told not to drop unknown fields (its default `removeAdditional` answered
 * 200 to a PATCH it had half ignored), and taught the two text formats.
 */
export const AJV_OPTIONS: NonNullable<FastifyServerOptions['ajv']> = {
  customOptions: {
    removeAdditional: false,
    formats: {
      [TEXT_LINE_FORMAT]: { type: 'string', validate: isSafeLine },
      [TEXT_BLOCK_FORMAT]: { type: 'string', validate: isSafeBlock },
    },
  },
};

type Schema = TSchemaOptions & Record<string, unknown>;

const INPUT_PARTS = ['body', 'querystring', 'params'] as const;

/** A string is bounded when its format, an anchored pattern, an enum or a const says what it may hold. */
function isBoundedString(schema: Schema): boolean {
  if (typeof schema.format === 'string' || Array.isArray(schema.enum) || 'const' in schema) return true;
  const pattern = schema.pattern;
  return typeof pattern === 'string' && pattern.startsWith('^') && pattern.endsWith('$');
}

/**
 * A copy of `schema` where every object without an explicit `additionalProperties`
 * refuses unknown fields. Throws on a free-form string: a route must say which text it takes.
 */
function strictCopy(schema: Schema, where: string): Schema {
  if (schema.type === 'string' && !isBoundedString(schema)) {
    throw new Error(`${where} is a free string: use TextLine or TextBlock (src/adapters/http/input-schema.ts)`);
  }
  const out: Schema = { ...schema };
  if (schema.type === 'object' && schema.additionalProperties === undefined) out.additionalProperties = false;
  for (const key of ['properties', 'patternProperties'] as const) {
    const children = schema[key] as Record<string, Schema> | undefined;
    if (children) {
      out[key] = Object.fromEntries(Object.entries(children).map(([name, child]) => [name, strictCopy(child, `${where}.${name}`)]));
    }
  }
  if (schema.items && typeof schema.items === 'object') out.items = strictCopy(schema.items as Schema, `${where}[]`);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const variants = schema[key] as Schema[] | undefined;
    if (variants) out[key] = variants.map((variant) => strictCopy(variant, where));
  }
  return out;
}

function strictRoute(route: RouteOptions): void {
  if (!route.schema) return;
  const schema = { ...route.schema } as Record<string, unknown>;
  for (const part of INPUT_PARTS) {
    const given = schema[part] as Schema | undefined;
    if (given) schema[part] = strictCopy(given, `${String(route.method)} ${route.url} ${part}`);
  }
  route.schema = schema;
}

/**
 * Every route registered after this (in `app` and its children) has strict inputs: unknown
 * body, query and path fields are a 400, and every string is bounded. A route that wants
 * extra fields (a gateway's webhook) says so with `additionalProperties: true`.
 */
export function strictInputs(app: FastifyInstance): void {
  app.addHook('onRoute', strictRoute);
}
