import pino from 'pino';
import type { Database } from '../../src/adapters/db/database.js';
import { calls, cases, surveys, users } from '../../src/adapters/db/schema/index.js';
import type { SurveyRecordStatus } from '../../src/outbound/domain/survey-eligibility.js';
import { createDoNotCallRepo, createSurveyRepo } from '../../src/outbound/adapters/db/survey-repo.js';
import { DEFAULT_DIALLING_WINDOW } from '../../src/outbound/domain/dialling-window.js';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_DELAYS_MS } from '../../src/outbound/domain/retry-policy.js';
import type { CaseCategory, QueueName } from '../../src/domain/cases/case.js';
import { createSurveyService, type SurveyService } from '../../src/outbound/services/survey-service.js';
import type { HttpBackend } from './http-app.js';

/** One closed case with its one survey, as the satisfaction report and flagged list read them. */
export interface SurveyedCaseSpec {
  district: number;
  category: CaseCategory;
  /** The call that opened the case: its queue and agent ('A', 'B' or none). None: a web case. */
  call?: { queue: QueueName; agent?: 'A' | 'B' };
  status: SurveyRecordStatus;
  endedAt: string | null;
  rating?: number;
  solved?: boolean;
  comment?: string;
  /** Its answers reopened the case. */
  flaggedAt?: string;
}

export interface SurveyedCases {
  /** The two agents' user ids, named علی رضایی (A) and مریم احمدی (B). */
  agentIds: Record<'A' | 'B', string>;
  /** Survey ids in the order of the specs. */
  surveyIds: string[];
}

/**
 * Inserts agents A and B, then a case (tracking number `trackingNumberBase + i`) and its
 * survey for each spec, straight into the tables: the surveys are over, so no service
 * would write them this way.
 */
export async function seedSurveyedCases(database: Database, specs: SurveyedCaseSpec[], trackingNumberBase: number): Promise<SurveyedCases> {
  const db = database.db;
  const inserted = await db
    .insert(users)
    .values([
      { username: 'agent-a', displayName: 'علی رضایی', role: 'agent', passwordHash: 'x' },
      { username: 'agent-b', displayName: 'مریم احمدی', role: 'agent', passwordHash: 'x' },
    ])
    .returning({ id: users.id, username: users.username });
  const agentIds = {
    A: inserted.find((u) => u.username === 'agent-a')!.id,
    B: inserted.find((u) => u.username === 'agent-b')!.id,
  };
  const surveyIds: string[] = [];
  for (const [i, s] of specs.entries()) {
    let callId: string | null = null;
    if (s.call) {
      const [call] = await db
        .insert(calls)
        .values({
          uniqueId: `csat-${i}`,
          startedAt: new Date('2026-03-18T08:00:00Z'),
          outcome: 'queued',
          queue: s.call.queue,
          agentId: s.call.agent ? agentIds[s.call.agent] : null,
        })
        .returning({ id: calls.id });
      callId = call!.id;
    }
    const [c] = await db
      .insert(cases)
      .values({
        trackingNumber: String(trackingNumberBase + i),
        channel: s.call ? 'phone' : 'web',
        category: s.category,
        district: s.district,
        callerPhone: '09121234567',
        callId,
        status: s.flaggedAt ? 'reopened' : 'closed',
        createdAt: new Date('2026-03-18T08:00:00Z'),
      })
      .returning({ id: cases.id });
    const [survey] = await db
      .insert(surveys)
      .values({
        caseId: c!.id,
        surveyNumber: 1,
        phone: '09121234567',
        status: s.status,
        attempts: 1,
        scheduledAt: new Date('2026-03-19T08:00:00Z'),
        endedAt: s.endedAt ? new Date(s.endedAt) : null,
        answeredAt: s.status === 'answered' && s.endedAt ? new Date(s.endedAt) : null,
        rating: s.rating ?? null,
        solved: s.solved ?? null,
        commentRecording: s.comment ?? null,
        flaggedAt: s.flaggedAt ? new Date(s.flaggedAt) : null,
      })
      .returning({ id: surveys.id });
    surveyIds.push(survey!.id);
  }
  return { agentIds, surveyIds };
}

/** For survey services whose tests leave no voice comment: Asterisk and the store have none to give. */
export const NO_COMMENTS = {
  stored: {
    download: async (): Promise<Buffer | null> => null,
    remove: async (): Promise<void> => {
      throw new Error('no voice comment is imported in these tests');
    },
  },
  recordings: {
    save: async (): Promise<void> => {
      throw new Error('no voice comment is imported in these tests');
    },
  },
};

/**
 * The real survey service over `backend` for listing and reviewing the seeded surveys;
 * these tests place no calls, so scheduling one fails the test.
 */
export function reviewOnlySurveyService(backend: HttpBackend, now: () => Date): SurveyService {
  return createSurveyService({
    surveys: createSurveyRepo(backend.database.db),
    doNotCall: createDoNotCallRepo(backend.database.db),
    cases: backend.repos.cases,
    schedule: async () => {
      throw new Error('no survey is scheduled in these tests');
    },
    policy: { maxAttempts: DEFAULT_MAX_ATTEMPTS, retryDelaysMs: DEFAULT_RETRY_DELAYS_MS, window: DEFAULT_DIALLING_WINDOW, holidays: [] },
    now,
    logger: pino({ level: 'silent' }),
    comments: NO_COMMENTS,
  });
}
