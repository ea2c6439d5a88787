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

/** Header for gateways that cannot send an Authorization header. */
export const SMS_TOKEN_HEADER = 'x-webhook-token';

const SMS_ACTIONS = ['status', 'not_found', 'invalid_tracking_number', 'created', 'empty'] as const;

const InboundSms = Type.Object(
  {
    from: TextLine({ minLength: 1, maxLength: 32, description: "Sender's number as the gateway gives it", examples: ['+989121234567'] }),
    text: TextBlock({ maxLength: 2000, description: 'The message (a tracking number asks for its status)' }),
    messageId: Type.Optional(
      TextLine({ minLength: 1, maxLength: 200, description: "The gateway's id: a redelivered message makes no second case" }),
    ),
    receivedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the gateway received it (logged)' })),
  },
  // Gateways add fields of their own (`to`, a keyword, their timestamps…): a citizen's message must
  // not be lost over one, and nothing but these four is read. The one body that is not strict.
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
export function smsRoutes(deps: Pick<HttpDeps, 'cases' | 'smsWebhookToken'>): FastifyPluginAsyncTypebox {
  const token = deps.smsWebhookToken ?? '';
  const matches = secretMatcher([token]);

  return async (app) => {
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
          security: [{ smsWebhookToken: [] }],
          response: { 200: SmsAnswer, ...errorResponses(400, 401, 403, 413) },
        },
        onRequest: async (request, reply) => {
          if (token === '') throw hotlineError('HOTLINE_ERR_FORBIDDEN', 'The SMS webhook is not enabled (SMS_WEBHOOK_TOKEN)');
          const header = request.headers[SMS_TOKEN_HEADER];
          const given = bearerToken(request.headers.authorization) ?? (typeof header === 'string' ? header : '');
          if (matches(given) === -1) {
            reply.header('www-authenticate', 'Bearer');
            throw hotlineError('HOTLINE_ERR_UNAUTHORIZED', 'A valid SMS webhook token is required');
          }
        },
      },
      async (request) => {
        const { from, text, messageId, receivedAt } = request.body;
        const phone = normalizePhone(from);
        const log = request.log.child({ from: maskPhone(phone ?? from), messageId, receivedAt });
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
      },
    );
  };
}
