/**
 * The SMS feature wired: provider (Kavenegar or a generic HTTP gateway), message storage,
 * send jobs, the service and what it offers others. `app.ts` only calls this factory.
 */
import type { ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../adapters/db/database.js';
import type { CaseRepo } from '../domain/cases/ports.js';
import { createDoNotContactCheck } from './adapters/do-not-contact.js';
import { createHttpProvider, parseAuthHeader } from './adapters/http-provider.js';
import { createKavenegarProvider } from './adapters/kavenegar-provider.js';
import { createSmsMessageRepo } from './adapters/sms-message-repo.js';
import { startSmsJobs } from './adapters/sms-jobs.js';
import { textingCases } from './services/texting-cases.js';
import type { SmsProvider } from './domain/ports.js';
import type { SmsConfig } from './sms-config.js';
import { createSmsService, type SatisfactionAnswer } from './services/sms-service.js';
import type { SmsWebhooks } from './services/sms-ports.js';

export function createSmsProvider(config: SmsConfig): SmsProvider {
  const p = config.provider;
  return p.kind === 'kavenegar'
    ? createKavenegarProvider({ apiKey: p.apiKey, baseUrl: p.baseUrl, sender: p.sender, timeoutMs: config.timeoutMs })
    : createHttpProvider({ urlTemplate: p.urlTemplate, method: p.method, authHeader: parseAuthHeader(p.authHeader), split: p.split, timeoutMs: config.timeoutMs });
}

/** Texts whose job Redis lost are looked for this often. */
const SWEEP_MS = 60_000;

export function createSmsModule(deps: {
  config: SmsConfig;
  db: Db;
  /** The case repository as stored (the service reads and reopens cases through it). */
  cases: Pick<CaseRepo, 'findById' | 'transition'>;
  connection: ConnectionOptions;
  producerConnection?: ConnectionOptions;
  prefix: string;
  work: boolean;
  onSatisfactionAnswer?: (answer: SatisfactionAnswer) => Promise<void>;
  /** SURVEY_POLICY=call-first: whether the case's phone survey was answered. */
  answeredByCall?: (caseId: string) => Promise<boolean>;
  provider?: SmsProvider;
  now: () => Date;
  logger: Logger;
}) {
  const logger = deps.logger.child({ component: 'sms' });
  const provider = deps.provider ?? createSmsProvider(deps.config);
  const messages = createSmsMessageRepo(deps.db);
  const service = createSmsService({
    messages,
    provider,
    policy: deps.config.policy,
    doNotContact: createDoNotContactCheck(deps.db),
    cases: deps.cases,
    enqueue: (m, delayMs) => jobs.enqueue(m, delayMs),
    replyWindowMs: deps.config.replyWindowMs,
    ...(deps.onSatisfactionAnswer ? { onSatisfactionAnswer: deps.onSatisfactionAnswer } : {}),
    ...(deps.config.surveyPolicy === 'call-first' && deps.answeredByCall ? { answeredByCall: deps.answeredByCall } : {}),
    now: deps.now,
    logger,
  });
  const jobs = startSmsJobs({
    connection: deps.connection,
    ...(deps.producerConnection ? { producerConnection: deps.producerConnection } : {}),
    prefix: deps.prefix,
    provider: provider.name,
    work: deps.work,
    config: { ratePerSecond: deps.config.ratePerSecond, attempts: deps.config.attempts, backoffMs: deps.config.backoffMs },
    deliver: (id) => service.deliver(id),
    gaveUp: (id, error) => service.gaveUp(id, error),
    now: deps.now,
    logger,
  });

  const webhooks: SmsWebhooks = {
    async deliveryReport(providerMessageId, status) {
      const state = provider.reportState(status);
      if (state === null) return { known: false, status: null };
      const m = await service.onDeliveryReport({ providerMessageId, state, providerStatus: status });
      return { known: m !== null, status: m?.status ?? null };
    },
    satisfactionReply: (phone, text) => service.onReply(phone, text),
    async answer(phone, body, inboundId) {
      await service.reply({ phone, body, occurrence: `${provider.name}:${inboundId}`, kind: 'reply' });
    },
  };

  let sweep: NodeJS.Timeout | undefined;
  return {
    service,
    jobs,
    webhooks,
    /** Texts whose job Redis never got (it was down, or flushed) are queued again every minute while it is up. */
    sweepLost(redisReady: () => boolean): void {
      sweep = setInterval(() => {
        if (!redisReady()) return;
        void service
          .sweep()
          .then((requeued) => requeued && logger.info({ requeued }, 'SMS sweep'))
          .catch((err: Error) => logger.warn({ err: err.message }, 'SMS sweep failed'));
      }, SWEEP_MS);
      sweep.unref();
    },
    /**
     * For the phone survey under SURVEY_POLICY=sms-first: the call waits for the SMS
     * answer, and is not placed when there is one. Undefined under the other policies, or
     * when the satisfaction question is switched off.
     */
    smsFirst:
      deps.config.surveyPolicy === 'sms-first' && deps.config.policy.kinds.has('satisfaction')
        ? { callDelayMs: deps.config.surveyWaitMs, answered: (caseId: string) => service.satisfactionAnswered(caseId) }
        : undefined,
    /** Wraps a case repository so its creations and changes text the citizen. */
    wrapCases: <R extends Pick<CaseRepo, 'create' | 'transition'>>(repo: R) => textingCases(repo, service, logger),
    close: (force = false) => {
      clearInterval(sweep);
      return jobs.close(force);
    },
  };
}
export type SmsModule = ReturnType<typeof createSmsModule>;
