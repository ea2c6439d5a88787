import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { CASE_CATEGORIES, DISTRICT_COUNT } from '../../../domain/cases/case.js';
import type { Article, ArticleUse, RatedArticle } from '../../../domain/knowledge/ports.js';
import { principalOf, requireRole } from '../../../adapters/http/auth.js';
import { errorResponses } from '../../../adapters/http/errors.js';
import { TextBlock, TextLine } from '../../../adapters/http/input-schema.js';
import type { KnowledgeService } from '../../knowledge-service.js';

const Instant = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Category = Type.Enum(CASE_CATEGORIES, { description: 'An IVR category code' });
const District = Type.Integer({ minimum: 1, maximum: DISTRICT_COUNT });
const IdParams = Type.Object({ id: TextLine({ minLength: 1, maxLength: 64 }) });
const CallParams = Type.Object({ callId: TextLine({ minLength: 1, maxLength: 64 }) });
const Query = TextLine({ minLength: 1, maxLength: 200, description: 'Words to find; Arabic or Persian letters, any digits, with or without ZWNJ' });
const ReviewDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Gregorian)', examples: ['2027-03-20'] });

const ArticleInput = Type.Object(
  {
    title: TextLine({ minLength: 1, maxLength: 200 }),
    body: TextBlock({
      minLength: 1,
      maxLength: 50_000,
      description: 'HTML; kept: p, strong/b, em/i, ul, ol, li, h3, br and a with an http(s) href. Everything else is removed on save.',
    }),
    category: Type.Union([Category, Type.Null()], { description: 'The subject it answers; null for any' }),
    district: Type.Union([District, Type.Null()], { description: 'Null: the whole city' }),
    ownerId: Type.Optional(TextLine({ minLength: 1, maxLength: 64, description: 'Who keeps it true; the author by default' })),
    reviewOn: Type.Union([ReviewDate, Type.Null()], { description: 'When the owner should review it' }),
    published: Type.Boolean({ description: 'Agents (and, if citizen-facing, the public) see it' }),
    citizenFacing: Type.Boolean({ description: 'Shown on the public FAQ when published' }),
  },
  { additionalProperties: false, title: 'KnowledgeArticleInput' },
);

const articleFields = {
  id: Uuid,
  title: Type.String(),
  body: Type.String({ description: 'Sanitised HTML' }),
  category: Type.Union([Category, Type.Null()]),
  district: Type.Union([Type.Integer(), Type.Null()]),
};
const ArticleBody = Type.Object(
  {
    ...articleFields,
    ownerId: Type.String(),
    reviewOn: Type.Union([Type.String(), Type.Null()]),
    published: Type.Boolean(),
    citizenFacing: Type.Boolean(),
    createdBy: Type.String(),
    createdAt: Instant,
    updatedBy: Type.String(),
    updatedAt: Instant,
  },
  { title: 'KnowledgeArticle' },
);
const RatedArticleBody = Type.Object(
  { ...ArticleBody.properties, usefulVotes: Type.Integer(), notUsefulVotes: Type.Integer() },
  { title: 'RatedKnowledgeArticle' },
);
const ArticleUseBody = Type.Object({ callId: Uuid, articleId: Uuid, title: Type.String(), agentId: Type.String(), usedAt: Instant }, { title: 'CallArticle' });
const FaqBody = Type.Object({ ...articleFields, updatedAt: Instant }, { title: 'FaqQuestion' });

const articleDto = (a: Article) => ({
  id: a.id,
  title: a.title,
  body: a.body,
  category: a.category,
  district: a.district,
  ownerId: a.ownerId,
  reviewOn: a.reviewOn,
  published: a.published,
  citizenFacing: a.citizenFacing,
  createdBy: a.createdBy,
  createdAt: a.createdAt.toISOString(),
  updatedBy: a.updatedBy,
  updatedAt: a.updatedAt.toISOString(),
});
const ratedDto = (a: RatedArticle) => ({ ...articleDto(a), usefulVotes: a.usefulVotes, notUsefulVotes: a.notUsefulVotes });
export const articleUseDto = (u: ArticleUse) => ({ callId: u.callId, articleId: u.articleId, title: u.title, agentId: u.agentId, usedAt: u.usedAt.toISOString() });

/** The knowledge base's API for the back office and the agent desk (inside the bearer-token scope). */
export function knowledgeRoutes(deps: { knowledge: KnowledgeService }): FastifyPluginAsyncTypebox {
  const editors = requireRole('admin', 'supervisor');
  const readers = requireRole('admin', 'supervisor', 'agent');
  const kb = deps.knowledge;
  const fieldsOf = (body: Static<typeof ArticleInput>, actorId: string) => ({ ...body, ownerId: body.ownerId ?? actorId });
  return async (app) => {
    app.get(
      '/knowledge/articles',
      {
        schema: {
          summary: 'Knowledge-base articles',
          description:
            'Latest update first, with their "was this useful" votes. Agents see published articles only; supervisors and admins drafts too. ' +
            '`reviewDue=true`: only those whose review date has come (Tehran day).',
          tags: ['knowledge'],
          querystring: Type.Object(
            { category: Type.Optional(Category), district: Type.Optional(District), reviewDue: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ articles: Type.Array(RatedArticleBody) }), ...errorResponses(400, 403) },
        },
        preHandler: readers,
      },
      async (request) => ({ articles: (await kb.list(request.query, principalOf(request))).map(ratedDto) }),
    );
    app.post(
      '/knowledge/articles',
      {
        schema: {
          summary: 'Write an article',
          description: 'Supervisors and admins. The body is sanitised before it is stored: what comes back is what readers get.',
          tags: ['knowledge'],
          body: ArticleInput,
          response: { 201: ArticleBody, ...errorResponses(400, 403) },
        },
        preHandler: editors,
      },
      async (request, reply) => {
        const actor = principalOf(request);
        return reply.code(201).send(articleDto(await kb.create(fieldsOf(request.body, actor.id), actor)));
      },
    );
    app.get(
      '/knowledge/articles/:id',
      {
        schema: { summary: 'One article', tags: ['knowledge'], params: IdParams, response: { 200: ArticleBody, ...errorResponses(403, 404) } },
        preHandler: readers,
      },
      async (request) => articleDto(await kb.get(request.params.id, principalOf(request))),
    );
    app.put(
      '/knowledge/articles/:id',
      {
        schema: {
          summary: 'Rewrite an article',
          description: 'Supervisors and admins; every field is replaced, the body sanitised again.',
          tags: ['knowledge'],
          params: IdParams,
          body: ArticleInput,
          response: { 200: ArticleBody, ...errorResponses(400, 403, 404) },
        },
        preHandler: editors,
      },
      async (request) => {
        const actor = principalOf(request);
        return articleDto(await kb.update(request.params.id, fieldsOf(request.body, actor.id), actor));
      },
    );
    app.delete(
      '/knowledge/articles/:id',
      {
        schema: {
          summary: 'Delete an article',
          description: 'Supervisors and admins. Its votes and its mentions on calls go with it; unpublish instead to keep them.',
          tags: ['knowledge'],
          params: IdParams,
          response: { 204: Type.Null({ description: 'Deleted' }), ...errorResponses(403, 404) },
        },
        preHandler: editors,
      },
      async (request, reply) => {
        await kb.remove(request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/knowledge/search',
      {
        schema: {
          summary: 'Search the knowledge base',
          description:
            'Articles holding every word of `q` in their title or text, best first (title matches before text matches). ' +
            'Query and articles are compared after the same Persian normalisation: ي/ی, ك/ک, ZWNJ, Persian, Arabic and Latin digits, short vowels.',
          tags: ['knowledge'],
          querystring: Type.Object(
            { q: Query, category: Type.Optional(Category), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ articles: Type.Array(ArticleBody) }), ...errorResponses(400, 403) },
        },
        preHandler: readers,
      },
      async (request) => {
        const actor = principalOf(request);
        const found = await kb.search(request.query.q, { category: request.query.category, publishedOnly: actor.role === 'agent', limit: request.query.limit ?? 20 });
        return { articles: found.map(articleDto) };
      },
    );
    app.get(
      '/knowledge/suggestions',
      {
        schema: {
          summary: "Articles for a call's screen pop",
          description: "Published articles of the call's IVR category, those of the caller's district first, then the most useful; at most five.",
          tags: ['knowledge'],
          querystring: Type.Object({ category: Category, district: Type.Optional(District) }, { additionalProperties: false }),
          response: { 200: Type.Object({ articles: Type.Array(RatedArticleBody) }), ...errorResponses(400, 403) },
        },
        preHandler: readers,
      },
      async (request) => ({ articles: (await kb.suggestions(request.query.category, request.query.district ?? null)).map(ratedDto) }),
    );
    app.put(
      '/knowledge/articles/:id/votes',
      {
        schema: {
          summary: 'Was this article useful on this call',
          description: 'One vote per agent, article and call: voting again replaces the vote.',
          tags: ['knowledge'],
          params: IdParams,
          body: Type.Object({ callId: Uuid, useful: Type.Boolean() }, { additionalProperties: false }),
          response: { 204: Type.Null({ description: 'Counted' }), ...errorResponses(400, 403, 404) },
        },
        preHandler: readers,
      },
      async (request, reply) => {
        await kb.vote(request.params.id, request.body, principalOf(request));
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/calls/:callId/articles',
      {
        schema: {
          summary: 'Record an article used to answer a call',
          description: "Shown on the timeline of the call's case. 201 when recorded, 200 when it already was.",
          tags: ['knowledge'],
          params: CallParams,
          body: Type.Object({ articleId: Uuid }, { additionalProperties: false }),
          response: { 200: Type.Object({ recorded: Type.Literal(false) }), 201: Type.Object({ recorded: Type.Literal(true) }), ...errorResponses(400, 403, 404) },
        },
        preHandler: readers,
      },
      async (request, reply) => {
        const recorded = await kb.recordUse(request.params.callId, request.body.articleId, principalOf(request));
        return recorded ? reply.code(201).send({ recorded: true as const }) : reply.code(200).send({ recorded: false as const });
      },
    );
    app.get(
      '/calls/:callId/articles',
      {
        schema: {
          summary: 'The articles used on a call',
          tags: ['knowledge'],
          params: CallParams,
          response: { 200: Type.Object({ articles: Type.Array(ArticleUseBody) }), ...errorResponses(403, 404) },
        },
        preHandler: readers,
      },
      async (request) => ({ articles: (await kb.usesOnCall(request.params.callId)).map(articleUseDto) }),
    );
  };
}

/** GET /public/faq: the citizens' questions and answers (no token). Rate limited per IP by the enclosing scope. */
export function publicFaqRoutes(deps: { knowledge: KnowledgeService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/public/faq',
      {
        schema: {
          summary: 'Frequently asked questions (public)',
          description: 'Published, citizen-facing articles: all of them (latest update first) or, with `q`, those holding its words, best first.',
          tags: ['public'],
          querystring: Type.Object({ q: Type.Optional(Query), category: Type.Optional(Category) }, { additionalProperties: false }),
          response: { 200: Type.Object({ questions: Type.Array(FaqBody) }), ...errorResponses(400, 429) },
        },
      },
      async (request) => {
        const found = await deps.knowledge.faq(request.query.q, request.query.category);
        return {
          questions: found
            .map((a) => ({ id: a.id, title: a.title, body: a.body, category: a.category, district: a.district, updatedAt: a.updatedAt.toISOString() })),
        };
      },
    );
  };
}
