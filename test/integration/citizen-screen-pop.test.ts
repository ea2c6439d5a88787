import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRepositories, type Repositories } from '../../src/adapters/db/repositories.js';
import { cases, doNotCall, surveys, users } from '../../src/adapters/db/schema/index.js';
import type { DeskEvent, ScreenPop } from '../../src/domain/agents/agent.js';
import { createQueueCallRecorder } from '../../src/services/queue-call-recorder.js';
import { withTestDatabases } from '../helpers/database.js';

/**
 * The screen pop carries who the caller is to us, read from the real tables (PGlite and
 * PostgreSQL): a repeat contact on the same topic, open cases, the last answered survey,
 * the do-not-call list. The AMI event is what app_queue sends when the agent answers.
 */
const CALLER = '09121111111';
const NOW = new Date('2026-04-25T07:00:30Z');

withTestDatabases((getDatabase) => {
  let repos: Repositories;
  let agentId: string;
  const popFor = async (uniqueId: string): Promise<ScreenPop> => {
    const events: DeskEvent[] = [];
    const recorder = createQueueCallRecorder({
      calls: repos.calls,
      cases: repos.cases,
      citizens: repos.citizens,
      agentIdByInterface: () => agentId,
      wrapUpSeconds: () => 15,
      toDesk: (_agent, event) => events.push(event),
      now: () => NOW,
      logger: pino({ level: 'silent' }),
    });
    await recorder.onEvent({ event: 'AgentConnect', uniqueid: uniqueId, queue: 'streets_lighting', interface: 'PJSIP/agent-a', holdtime: '12' });
    const pop = events.find((e) => e.type === 'screen-pop');
    if (!pop || pop.type !== 'screen-pop') throw new Error('no screen pop');
    return pop.pop;
  };

  beforeAll(async () => {
    const database = getDatabase();
    repos = createRepositories(database);
    const [agent] = await database.db
      .insert(users)
      .values({ username: 'pop-agent', displayName: 'اپراتور', role: 'agent', passwordHash: 'not-a-hash' })
      .returning();
    agentId = agent!.id;
    // Three days ago the citizen called about lighting; the case it opened is still open.
    const earlier = await repos.calls.start({ uniqueId: 'pop-earlier', caller: CALLER, startedAt: new Date('2026-04-22T06:00:00Z') });
    await repos.calls.update(earlier.uniqueId, { category: 'streets_lighting', district: 6 });
    await repos.cases.create({ channel: 'phone', category: 'streets_lighting', district: 6, callerPhone: CALLER, description: 'چراغ خاموش', actor: 'agent', callId: earlier.id });
    // An older case, closed and surveyed: rated 2, not solved.
    const [old] = await database.db
      .insert(cases)
      .values({ trackingNumber: '40000001', channel: 'web', status: 'closed', callerPhone: CALLER, category: 'other', createdAt: new Date('2026-01-05T08:00:00Z') })
      .returning();
    await database.db.insert(surveys).values({
      caseId: old!.id,
      surveyNumber: 1,
      phone: CALLER,
      status: 'answered',
      scheduledAt: new Date('2026-01-20T08:00:00Z'),
      endedAt: new Date('2026-01-20T08:05:00Z'),
      rating: 2,
      solved: false,
    });
    await database.db.insert(doNotCall).values({ phone: CALLER, reason: 'survey_opt_out', actor: 'survey' });
    // Now: the same citizen about lighting again, queued.
    await repos.calls.start({ uniqueId: 'pop-now', caller: CALLER, startedAt: new Date('2026-04-25T07:00:00Z') });
    await repos.calls.update('pop-now', { category: 'streets_lighting', district: 6 });
    // Another number, never seen before.
    await repos.calls.start({ uniqueId: 'pop-stranger', caller: '09127777777', startedAt: new Date('2026-04-25T07:00:00Z') });
  });

  it('marks a second call about the same category within 7 days as a repeat, with open cases, last survey and do-not-call', async () => {
    const pop = await popFor('pop-now');
    expect(pop.citizen).toEqual({
      phone: CALLER,
      previousContacts: 2, // the earlier call and the web case
      repeatCaller: true,
      repeatSameTopic: true,
      openCases: 1,
      lastSatisfaction: { rating: 2, solved: false, endedAt: '2026-01-20T08:05:00.000Z', dissatisfied: true },
      doNotCall: true,
    });
    expect(pop.history.calls.map((c) => c.id)).not.toContain(pop.callId);
  });

  describe('a first-time caller', () => {
    it('is no repeat and has nothing on file', async () => {
      const pop = await popFor('pop-stranger');
      expect(pop.citizen).toMatchObject({ previousContacts: 0, repeatCaller: false, repeatSameTopic: false, openCases: 0, lastSatisfaction: null, doNotCall: false });
    });
  });
});
