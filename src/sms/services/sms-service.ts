/**
 * The SMS feature's decisions: which texts a case's creation or change sends (and when,
 * quiet hours and the do-not-contact list applied), sending one when its job runs without
 * ever texting a citizen twice, delivery reports, and the citizen's answer to the
 * satisfaction question. I/O comes in through ports; the job queue and HTTP are adapters.
 */
import type { Logger } from 'pino';
import type { Case, CaseChange } from '../../domain/cases/case.js';
import type { CaseRepo } from '../../domain/cases/ports.js';
import { isHotlineError } from '../../domain/errors.js';
import { maskPhone } from '../../domain/phone.js';
import { countSegments } from '../domain/segments.js';
import {
  parseSatisfactionReply,
  plannedTexts,
  sendTime,
  type CaseHappening,
  type MessageKind,
  type SatisfactionVerdict,
  type SmsPolicy,
} from '../domain/sms-policy.js';
import { satisfactionThanks } from '../domain/texts.js';
import { SmsProviderError, type DeliveryState, type SmsMessage, type SmsMessageRepo, type SmsProvider } from '../domain/ports.js';

export const SMS_SATISFACTION_ACTOR = 'sms-satisfaction';

export interface SmsServiceDeps {
  messages: SmsMessageRepo;
  provider: SmsProvider;
  policy: SmsPolicy;
  /** True when the number asked not to be contacted (the do-not-call list). */
  doNotContact(phone: string): Promise<boolean>;
  cases: Pick<CaseRepo, 'findById' | 'transition'>;
  /** Queues the message's send job to run after `delayMs` (idempotent per message). */
  enqueue(message: SmsMessage, delayMs: number): Promise<void>;
  /** How long after the question a reply still answers it. */
  replyWindowMs: number;
  /** Told of every answer by SMS (the phone survey's policy listens). */
  onSatisfactionAnswer?: (answer: SatisfactionAnswer) => Promise<void>;
  /** SURVEY_POLICY=call-first: whether the case's phone survey was answered (then no SMS question). */
  answeredByCall?: (caseId: string) => Promise<boolean>;
  now: () => Date;
  logger: Logger;
}

export interface SatisfactionAnswer {
  caseId: string;
  trackingNumber: string;
  verdict: SatisfactionVerdict;
  at: Date;
}

export type DeliverResult =
  | { outcome: 'done'; status: string }
  | { outcome: 'later'; at: Date }
  | { outcome: 'retry'; error: string }
  | { outcome: 'give_up'; error: string };

export type SmsService = ReturnType<typeof createSmsService>;

export function createSmsService(deps: SmsServiceDeps) {
  const { messages, provider, policy, logger } = deps;

  async function plan(happening: CaseHappening): Promise<SmsMessage[]> {
    const planned = plannedTexts(happening, policy);
    const out: SmsMessage[] = [];
    for (const p of planned) {
      const at = deps.now();
      const counted = countSegments(p.body);
      const blocked = await deps.doNotContact(p.phone);
      const due = p.kind === 'satisfaction' ? new Date(at.getTime() + (policy.satisfactionDelayMs ?? 0)) : at;
      const { message, created } = await messages.create({
        caseId: happening.case.id,
        kind: p.kind,
        occurrence: p.occurrence,
        phone: p.phone,
        body: p.body,
        segments: counted.segments,
        encoding: counted.encoding,
        sendAfter: sendTime(due, policy.quietHours),
        ...(blocked ? { skipReason: 'do_not_contact' } : {}),
        at,
      });
      if (!created || message.status !== 'queued') continue;
      await deps.enqueue(message, Math.max(0, message.sendAfter.getTime() - at.getTime()));
      out.push(message);
    }
    return out;
  }

  /** A text not about a case: the answer to an inbound text a gateway forwarded. */
  async function reply(input: { phone: string; body: string; occurrence: string; kind: Extract<MessageKind, 'reply'> }): Promise<SmsMessage | null> {
    const at = deps.now();
    const counted = countSegments(input.body);
    const { message, created } = await messages.create({
      caseId: null,
      kind: input.kind,
      occurrence: input.occurrence,
      phone: input.phone,
      body: input.body,
      segments: counted.segments,
      encoding: counted.encoding,
      // The citizen just wrote: an answer is expected now, whatever the hour.
      sendAfter: at,
      at,
    });
    if (created) await deps.enqueue(message, 0);
    return message;
  }

  async function deliver(id: string): Promise<DeliverResult> {
    const m = await messages.findById(id);
    if (!m || (m.status !== 'queued' && m.status !== 'sending')) return { outcome: 'done', status: m?.status ?? 'missing' };
    const now = deps.now();
    if (m.kind !== 'reply') {
      // A retry or a late job must not text at night either.
      const allowed = sendTime(now, policy.quietHours);
      const notBefore = allowed > m.sendAfter ? allowed : m.sendAfter;
      if (notBefore.getTime() > now.getTime()) return { outcome: 'later', at: notBefore };
      if (await deps.doNotContact(m.phone)) {
        await messages.markSkipped(m.id, 'do_not_contact', now);
        return { outcome: 'done', status: 'skipped' };
      }
      if (m.kind === 'satisfaction' && m.caseId !== null) {
        const c = await deps.cases.findById(m.caseId);
        if (c?.status !== 'closed') {
          await messages.markSkipped(m.id, 'case_not_closed', now);
          return { outcome: 'done', status: 'skipped' };
        }
        if (deps.answeredByCall && (await deps.answeredByCall(m.caseId))) {
          await messages.markSkipped(m.id, 'answered_by_call', now);
          return { outcome: 'done', status: 'skipped' };
        }
      }
    }
    const before = await messages.claim(m.id, now);
    if (!before) return { outcome: 'done', status: 'settled' };
    const text = { localId: m.localId, key: `hotline-sms-${m.id}`, to: m.phone, body: m.body };
    const log = logger.child({ smsId: m.id, kind: m.kind, to: maskPhone(m.phone), attempt: before.attempts + 1 });
    try {
      // An attempt whose answer was never seen may have sent the text: ask before sending again.
      if (before.status === 'sending' && provider.lookup) {
        const earlier = await provider.lookup(text);
        if (earlier) {
          await messages.markSent(m.id, provider.name, earlier, deps.now());
          log.info({ providerMessageId: earlier.providerMessageId }, 'SMS had been sent by an earlier attempt');
          return { outcome: 'done', status: earlier.state };
        }
      }
      const receipt = await provider.send(text);
      await messages.markSent(m.id, provider.name, receipt, deps.now());
      log.info({ providerMessageId: receipt.providerMessageId, segments: m.segments }, 'SMS sent');
      return { outcome: 'done', status: receipt.state };
    } catch (err) {
      const error = (err as Error).message;
      if (err instanceof SmsProviderError && err.permanent) {
        await messages.markFailed(m.id, error, deps.now());
        log.warn({ err: error }, 'SMS refused by the provider; not retried');
        return { outcome: 'give_up', error };
      }
      await messages.noteError(m.id, error, deps.now()).catch(() => undefined);
      log.warn({ err: error }, 'SMS not sent; will retry');
      return { outcome: 'retry', error };
    }
  }

  return {
    onCaseCreated: (c: Case) => plan({ type: 'created', case: c }),
    onCaseChanged: (c: Case, change: CaseChange) => plan({ type: 'changed', case: c, change }),
    reply,
    deliver,

    /** The send job gave up for good (its attempts ran out). */
    async gaveUp(id: string, error: string): Promise<void> {
      await messages.markFailed(id, error, deps.now());
    },

    /** A provider's delivery report; null when no message of ours has that id. */
    async onDeliveryReport(input: { providerMessageId: string; state: DeliveryState; providerStatus: string }): Promise<SmsMessage | null> {
      const updated = await messages.recordDelivery(provider.name, input.providerMessageId, input.state, input.providerStatus, deps.now());
      logger.info({ providerMessageId: input.providerMessageId, state: input.state, known: updated !== null }, 'SMS delivery report');
      return updated;
    },

    /**
     * A citizen's text that may answer the satisfaction question: the answer and the
     * reply to send back, or null when the text is no answer (or nothing was asked), so
     * it is handled as any other text.
     */
    async onReply(phone: string, text: string): Promise<{ verdict: SatisfactionVerdict; trackingNumber: string; reply: string } | null> {
      const verdict = parseSatisfactionReply(text, policy.replyCodes);
      if (verdict === null) return null;
      const at = deps.now();
      const question = await messages.openSatisfactionQuestion(phone, new Date(at.getTime() - deps.replyWindowMs));
      if (!question || question.caseId === null) return null;
      const c = await deps.cases.findById(question.caseId);
      if (!c) return null;
      const recorded = await messages.recordReply(question.id, text.trim(), verdict, at);
      if (recorded && verdict === 'object' && c.status === 'closed') {
        try {
          await deps.cases.transition({
            caseId: c.id,
            from: 'closed',
            to: 'reopened',
            actor: SMS_SATISFACTION_ACTOR,
            note: `شهروند با پیامک به نتیجه اعتراض کرد (پاسخ «${text.trim().slice(0, 20)}» به پرسش رضایت)`,
            at,
          });
        } catch (err) {
          // Someone reopened it meanwhile: the objection is stored all the same.
          if (!isHotlineError(err)) throw err;
          logger.info({ caseId: c.id, err: err.message }, 'objection by SMS: case not reopened');
        }
      }
      if (recorded && deps.onSatisfactionAnswer) await deps.onSatisfactionAnswer({ caseId: c.id, trackingNumber: c.trackingNumber, verdict, at });
      logger.info({ caseId: c.id, verdict, from: maskPhone(phone), recorded }, 'satisfaction answered by SMS');
      return { verdict, trackingNumber: c.trackingNumber, reply: satisfactionThanks(verdict, c.trackingNumber) };
    },

    /** Messages still to send whose job may be lost (Redis down or flushed): queued again. */
    async sweep(olderThanMs = 5 * 60_000): Promise<number> {
      const now = deps.now();
      const pending = await messages.listPending(new Date(now.getTime() - olderThanMs), 500);
      for (const m of pending) await deps.enqueue(m, Math.max(0, m.sendAfter.getTime() - now.getTime()));
      return pending.length;
    },

    listForCase: (caseId: string) => messages.listForCase(caseId),

    /** Whether the citizen answered the case's satisfaction question by SMS. */
    async satisfactionAnswered(caseId: string): Promise<boolean> {
      return (await messages.listForCase(caseId)).some((m) => m.kind === 'satisfaction' && m.replyVerdict !== null);
    },
  };
}
