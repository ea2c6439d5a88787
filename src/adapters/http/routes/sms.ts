import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { TextBlock, TextLine } from '../input-schema.js';
import {
  EMPTY_REPLY,
  badTrackingNumberReply,
  createdReply,
  notFoundReply,
  parseSmsText,
  statusReply,
} from '../../../domain/channels/sms.js';
import { hotlineError } from '../../../domain/errors.js';
import { maskPhone, normalizePhone } from '../../../domain/phone.js';
import { bearerToken } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';
import { secretMatcher } from '../shared-secret.js';
import { acceptFormBodies } from '../form-body.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Header for gateways that cannot send an Authorization header. */
export const SMS_TOKEN_HEADER = 'x-webhook-token';

const SMS_ACTIONS = ['status', 'not_found', 'invalid_tracking_number', 'created', 'empty', 'satisfaction'] as const;

const InboundSms = Type.Object(
  {
    from: TextLine({ minLength: 1, maxLength: 32, description: "Sender's number as the gateway gives it", examples: ['+989121234567'] }),
    text: Type.Optional(TextBlock({ maxLength: 2000, description: 'The message (a tracking number asks for its status)' })),
    messageId: Type.Optional(
      TextLine({ minLength: 1, maxLength: 200, description: "The gateway's id: a redelivered message makes no second case" }),
    ),
    message: Type.Optional(
      TextBlock({ maxLength: 2000, description: 'Kavenegar\'s forwarding: the message (instead of `text`); the reply is then texted back' }),
    ),
    messageid: Type.Optional(
      Type.Union([TextLine({ minLength: 1, maxLength: 200 }), Type.Integer({ minimum: 0 })], { description: "Kavenegar's forwarding: its id of the message" }),
    ),
    receivedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the gateway received it (logged)' })),
  },
  // Gateways add fields of their own (`to`, a keyword, their timestamps…): a citizen's message must
  // not be lost over one, and nothing but these four is read. The one body that is not strict.
  { additionalProperties: true, description: 'Other fields are ignored' },
);

const DeliveryReport = Type.Object(
  {
    messageid: Type.Optional(
      Type.Union([TextLine({ minLength: 1, maxLength: 200 }), Type.Integer({ minimum: 0 })], { description: "Kavenegar's message id" }),
    ),
    messageId: Type.Optional(TextLine({ minLength: 1, maxLength: 200, description: "A generic gateway's message id" })),
    status: Type.Union([TextLine({ minLength: 1, maxLength: 40 }), Type.Integer({ minimum: 0 })], {
      description: 'Kavenegar: its status code (10 delivered, 11 not delivered, 6/13/14 failed, 1-5 on the way); generic: sent, delivered, undelivered, failed',
    }),
  },
  { additionalProperties: true, description: 'Other fields are ignored' },
);

const SmsAnswer = Type.Object(
  {
    reply: Type.String({ description: 'The Persian text to send back to the sender' }),
    action: Type.Enum(SMS_ACTIONS),
    trackingNumber: Type.Optional(Type.String()),
  },
  { title: 'SmsReply', description: 'What was done, and the reply to send' },
);

/**
 * A gateway-agnostic inbound SMS webhook: the gateway posts each message as JSON and
 * sends `reply` back to the sender. Authenticated by SMS_WEBHOOK_TOKEN, as a bearer
 * token or in X-Webhook-Token.
 */
export function smsRoutes(deps: Pick<HttpDeps, 'cases' | 'smsWebhookToken' | 'smsWebhooks'>): FastifyPluginAsyncTypebox {
  const token = deps.smsWebhookToken ?? '';
  const matches = secretMatcher([token]);
  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    if (token === '') throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'The SMS webhook is not enabled (SMS_WEBHOOK_TOKEN)');
    const header = request.headers[SMS_TOKEN_HEADER];
    // Kavenegar's panel takes a URL only: there the token rides in the query (redacted in logs).
    const query = (request.query as Record<string, unknown> | undefined)?.token;
    const given =
      bearerToken(request.headers.authorization) ?? (typeof header === 'string' ? header : typeof query === 'string' ? query : '');
    if (matches(given) === -1) {
      reply.header('www-authenticate', 'Bearer');
      throw hotlineError('HOTLINE_ERR_UNAUTHORIZED', 'A valid SMS webhook token is required');
    }
  };

  return async (app) => {
    // Kavenegar forwards texts and delivery reports as HTML-form posts.
    acceptFormBodies(app);
    app.post(
      '/sms/inbound',
      {
        schema: {
          summary: 'Inbound SMS (gateway webhook)',
          description:
            'A text that is a tracking number (Persian or Latin digits) gets its status back; any other text ' +
            'becomes a case (channel `sms`) and gets its tracking number. Idempotent on `messageId`. ' +
            `Token: \`Authorization: Bearer <SMS_WEBHOOK_TOKEN>\` or \`${SMS_TOKEN_HEADER}\`.`,
          tags: ['channels'],
          body: InboundSms,
          headers: Type.Object({ [SMS_TOKEN_HEADER]: Type.Optional(Type.String()) }),
          querystring: Type.Object({ token: Type.Optional(TextLine({ maxLength: 200 })) }),
          security: [{ smsWebhookToken: [] }],
          response: { 200: SmsAnswer, ...errorResponses(400, 401, 403, 413, 415) },
        },
        onRequest: authenticate,
      },
      async (request) => {
        const { from, receivedAt } = request.body;
        const forwarded = request.body.text === undefined && request.body.message !== undefined;
        const text = request.body.text ?? request.body.message;
        if (text === undefined) throw hotlineError('HOTLINE_ERR_VALIDATION', 'body must have text (or Kavenegar\'s message)', { in: 'body', field: 'text' });
        const messageId = request.body.messageId ?? (request.body.messageid !== undefined ? String(request.body.messageid) : undefined);
        const phone = normalizePhone(from);
        const log = request.log.child({ from: maskPhone(phone ?? from), messageId, receivedAt });
        const answer = await answerText(text, phone, messageId, log);
        // A gateway that forwards texts (Kavenegar) does not relay our answer: it is texted back.
        if (forwarded && deps.smsWebhooks && phone !== null && messageId !== undefined && answer.reply !== '') {
          await deps.smsWebhooks.answer(phone, answer.reply, messageId);
        }
        return answer;
      },
    );

    app.post(
      '/sms/delivery',
      {
        schema: {
          summary: 'SMS delivery report (gateway webhook)',
          description:
            "The provider's report on a text the hotline sent: Kavenegar's `messageid` and `status` (form-posted), or a " +
            'generic gateway\'s `messageId` and `status`. Stored on the message; a repeated report changes nothing. ' +
            `Token: \`Authorization: Bearer <SMS_WEBHOOK_TOKEN>\`, \`${SMS_TOKEN_HEADER}\`, or \`?token=\` (Kavenegar's panel takes a URL only).`,
          tags: ['channels'],
          body: DeliveryReport,
          headers: Type.Object({ [SMS_TOKEN_HEADER]: Type.Optional(Type.String()) }),
          querystring: Type.Object({ token: Type.Optional(TextLine({ maxLength: 200 })) }),
          security: [{ smsWebhookToken: [] }],
          response: {
            200: Type.Object(
              {
                known: Type.Boolean({ description: 'A message of ours with that id, and a status understood' }),
                status: Type.Union([Type.String(), Type.Null()], { description: "The message's status now" }),
              },
              { title: 'SmsDeliveryAck' },
            ),
            ...errorResponses(400, 401, 403, 413, 415, 503),
          },
        },
        onRequest: authenticate,
      },
      async (request) => {
        const id = request.body.messageId ?? (request.body.messageid !== undefined ? String(request.body.messageid) : undefined);
        if (id === undefined) throw hotlineError('HOTLINE_ERR_VALIDATION', 'body must have messageid (or messageId)', { in: 'body', field: 'messageid' });
        if (!deps.smsWebhooks) throw hotlineError('HOTLINE_ERR_DEPENDENCY_DOWN', 'Texts are not sent by this hotline (SMS_PROVIDER=off)');
        const result = await deps.smsWebhooks.deliveryReport(id, String(request.body.status));
        request.log.info({ providerMessageId: id, status: request.body.status, known: result.known }, 'SMS delivery report');
        return result;
      },
    );

    async function answerText(
      text: string,
      phone: string | null,
      messageId: string | undefined,
      log: FastifyRequest['log'],
    ): Promise<{ reply: string; action: (typeof SMS_ACTIONS)[number]; trackingNumber?: string }> {
      // «۳۳» after a satisfaction question is its answer, not a mistyped tracking number.
      if (phone !== null && deps.smsWebhooks) {
        const answered = await deps.smsWebhooks.satisfactionReply(phone, text);
        if (answered) return { reply: answered.reply, action: 'satisfaction', trackingNumber: answered.trackingNumber };
      }
      const intent = parseSmsText(text);
      switch (intent.kind) {
        case 'empty':
          log.info('empty SMS');
          return { reply: EMPTY_REPLY, action: 'empty' as const };
        case 'bad-tracking-number':
          log.info('SMS with a mistyped tracking number');
          return { reply: badTrackingNumberReply(intent.digits), action: 'invalid_tracking_number' as const };
        case 'status': {
          const found = await deps.cases.findByTrackingNumber(intent.trackingNumber);
          log.info({ trackingNumber: intent.trackingNumber, found: found !== null }, 'SMS status query');
          return found
            ? { reply: statusReply(found), action: 'status' as const, trackingNumber: found.trackingNumber }
            : { reply: notFoundReply(intent.trackingNumber), action: 'not_found' as const };
        }
        case 'report': {
          const created = await deps.cases.create({
            channel: 'sms',
            callerPhone: phone,
            description: intent.text,
            externalId: messageId ?? null,
            actor: 'sms',
          });
          log.info({ trackingNumber: created.trackingNumber }, 'case created from SMS');
          const { trackingNumber } = created;
          return { reply: createdReply(trackingNumber), action: 'created' as const, trackingNumber };
        }
      }
    }
  };
}
