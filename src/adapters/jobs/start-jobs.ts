/**
 * The service's queues in one place, for the service (src/app.ts) and for a worker
 * process of its own (src/worker.ts).
 */
import type { Logger } from 'pino';
import type { Holiday } from '../../domain/calendar/holidays.js';
import type { Repositories } from '../db/repositories.js';
import { startDispatch, type Dispatch, type DispatchOptions } from './dispatch.js';
import { queueConnection } from './queues.js';
import { startEscalationNotify, type EscalationNotify, type EscalationWebhook } from './escalation-notify.js';
import { startSla, type Sla } from './sla.js';

export interface JobsDeps {
  redisUrl: string;
  prefix: string;
  /** Whether this process works jobs; a service may only add them. */
  runWorkers: boolean;
  dispatch: DispatchOptions;
  repos: Pick<Repositories, 'cases' | 'districts' | 'units' | 'dispatches'>;
  holidays: readonly Holiday[];
  /** ESCALATION_WEBHOOK_URL and _SECRET: escalated cases are POSTed there; null: nobody is notified. */
  escalationWebhook?: EscalationWebhook | null;
  logger: Logger;
  now: () => Date;
}

export interface Jobs {
  dispatch: Dispatch;
  sla: Sla;
  /** Notices of escalated cases (null without ESCALATION_WEBHOOK_URL). */
  escalation: EscalationNotify | null;
  /** `force` when Redis is unreachable: a graceful close would wait for it forever. */
  close(force?: boolean): Promise<void>;
}

export function startJobs(deps: JobsDeps): Jobs {
  const connection = queueConnection(deps.redisUrl);
  const dispatch = startDispatch({
    connection,
    // Adding a job must fail at once while Redis is down rather than hold up the
    // creation of a case (an IVR call is waiting on it); the sweep adds it later.
    producerConnection: { ...connection, enableOfflineQueue: false },
    prefix: deps.prefix,
    cases: deps.repos.cases,
    districts: deps.repos.districts,
    units: deps.repos.units,
    dispatches: deps.repos.dispatches,
    holidays: deps.holidays,
    logger: deps.logger,
    now: deps.now,
    options: deps.dispatch,
    worker: deps.runWorkers,
  });
  const escalation = deps.escalationWebhook
    ? startEscalationNotify({
        connection,
        prefix: deps.prefix,
        webhook: deps.escalationWebhook,
        cases: deps.repos.cases,
        logger: deps.logger,
        now: deps.now,
        worker: deps.runWorkers,
      })
    : null;
  const sla = startSla({
    connection,
    prefix: deps.prefix,
    cases: deps.repos.cases,
    logger: deps.logger,
    now: deps.now,
    worker: deps.runWorkers,
    onEscalated: escalation ? (escalated) => escalation.enqueue(escalated) : undefined,
  });
  return {
    dispatch,
    sla,
    escalation,
    async close(force = false) {
      await Promise.all([dispatch.close(force), sla.close(force), escalation?.close(force)]);
    },
  };
}
