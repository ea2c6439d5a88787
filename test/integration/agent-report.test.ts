import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../src/adapters/log/logger.js';
import { asc } from 'drizzle-orm';
import { agentActivity, callRecordings, cases, qaEvaluations, qaForms, surveys } from '../../src/adapters/db/schema/index.js';
import { createAgentModule } from '../../src/services/agent-module.js';
import { agentComplete, agentConnect, agentRingNoAnswer } from '../helpers/ami-fixtures.js';
import { authenticateTestToken, openPostgresHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

/**
 * The per-agent report on PostgreSQL: the agent service writes the pauses, missed rings
 * and holds it sees (agent_activity) as app_queue's events and its own pauses happen,
 * and /api/reports/agents puts them beside the calls, cases, surveys and QA scores.
 * Asterisk is stood in for by an AMI that accepts every action: the report, not the
 * telephony, is what this test is about (the real queue is the e2e tests').
 */

const IFACE = 'PJSIP/agent-ali';
const supervisor = { authorization: 'Bearer supervisor-token' };
// Thursday 1405/09/12, 09:00 in Tehran.
let now = new Date('2026-12-03T05:30:00Z');
const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));

let backend: HttpBackend;
let app: FastifyInstance;
let agentId: string;

beforeAll(async () => {
  backend = await openPostgresHttpBackend();
  agentId = (await backend.repos.users.create({ username: 'ali', displayName: 'علی', role: 'agent', district: null, passwordHash: 'x' })).id;
  await backend.repos.agents.upsert({ userId: agentId, endpoint: 'agent-ali', interface: IFACE, sipPassword: 'sip-password-of-ali', queues: [{ queue: 'general', penalty: 0 }] });
  ({ app } = await startHttpApp(backend, { authenticate: authenticateTestToken }));
}, 60_000);

afterAll(async () => {
  await app?.close();
  await backend?.close();
});

describe('the per-agent report', () => {
  it('keeps the pauses, missed rings and holds the agent service sees', async () => {
    const agents = createAgentModule({
      repos: backend.repos,
      ami: { isConnected: () => true, action: async () => ({ response: 'Success' }) },
      config: { wrapUpSeconds: { default: 30 }, maxMissedInARow: 3, sipDomain: '127.0.0.1' },
      now: () => now,
      logger: createLogger('silent'),
    });
    const service = agents.service;
    await service.refresh();
    await service.login(agentId);
    await service.pause(agentId, 'lunch');
    later(1800);
    await service.pause(agentId, 'break');
    later(300);
    await service.unpause(agentId);

    // A call rings out, the next is answered, held for 45 s and completed.
    const missed = await backend.repos.calls.start({ uniqueId: '1796100000.1', caller: '09121111111', startedAt: now });
    await service.onAmiEvent(agentRingNoAnswer('general', '1796100000.1', IFACE, 15_000));
    const answered = await backend.repos.calls.start({ uniqueId: '1796100000.2', caller: '09122222222', startedAt: later(60) });
    await backend.repos.calls.update('1796100000.2', { queue: 'general', queueJoinedAt: now, queueResult: 'answered', agentId, answeredAt: now, talkSeconds: 200, wrapUpSeconds: 40 });
    await service.onAmiEvent(agentConnect('general', '1796100000.2', IFACE, 5));
    later(20);
    await service.onAmiEvent({ event: 'Hold', channel: `${IFACE}-00000001`, uniqueid: '1796100000.901' });
    later(45);
    await service.onAmiEvent({ event: 'Unhold', channel: `${IFACE}-00000001`, uniqueid: '1796100000.901' });
    later(135);
    await service.onAmiEvent(agentComplete('general', '1796100000.2', IFACE, 5, 200));
    service.stop();

    // Its case, surveyed twice (once reopening it), and two supervisors' scores of the call.
    const db = backend.database.db;
    const [c1] = await db.insert(cases).values({ trackingNumber: '1405000001', channel: 'phone', callId: answered.id, createdAt: now }).returning();
    await db.insert(surveys).values([
      { caseId: c1!.id, surveyNumber: 1, phone: '09122222222', status: 'answered', scheduledAt: now, endedAt: now, rating: 5, solved: true },
      { caseId: c1!.id, surveyNumber: 2, phone: '09122222222', status: 'answered', scheduledAt: now, endedAt: now, rating: 1, solved: false, flaggedAt: now },
    ]);
    const [recording] = await db
      .insert(callRecordings)
      .values({ callId: answered.id, storedName: 'ali-1.wav', recording: 'ali-1.wav', bytes: 10, agentId, queue: 'general', startedAt: answered.startedAt })
      .returning();
    const [form] = await db.insert(qaForms).values({ name: 'پایه', criteria: [{ id: 'a', label: 'A', weight: 1, critical: false }], createdBy: 'sup-1' }).returning();
    for (const [evaluatorId, score] of [['sup-1', 80], ['sup-2', 90]] as const) {
      await db.insert(qaEvaluations).values({
        recordingId: recording!.id,
        formId: form!.id,
        callId: answered.id,
        agentId,
        queue: 'general',
        evaluatorId,
        answers: { a: score },
        score,
        criticalFailed: false,
        callStartedAt: answered.startedAt,
      });
    }
    const activity = await db.select().from(agentActivity).orderBy(asc(agentActivity.startedAt), asc(agentActivity.kind));
    expect(activity.map((a) => [a.kind, a.reason, a.callId, a.seconds])).toEqual([
      ['pause', 'lunch', null, 1800],
      ['pause', 'break', null, 300],
      ['missed_ring', null, missed.id, 0],
      ['hold', null, answered.id, 45],
    ]);
  });

  it('reports them per agent and day beside the calls, cases, surveys and QA scores', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/reports/agents?from=1405-09-12&to=1405-09-12&period=day', headers: supervisor });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ report: 'agents', period: 'day', from: '1405-09-12', to: '1405-09-12' });
    expect(body.agents).toHaveLength(1);
    const ali = body.agents[0];
    expect(ali).toMatchObject({ agentId, name: 'علی' });
    expect(ali.periods.map((p: { period: string }) => p.period)).toEqual(['1405-09-12']);
    expect(ali.total).toEqual({
      answered: 1,
      ahtSec: 240,
      meanTalkSec: 200,
      meanWrapUpSec: 40,
      holds: 1,
      holdSec: 45,
      meanHoldSec: 45,
      missedRings: 1,
      pauseSec: { break: 300, lunch: 1800, training: 0, meeting: 0, after_call_work: 0, missed: 0 },
      pauseTotalSec: 2100,
      casesCreated: 1,
      surveysAnswered: 2,
      reopened: 1,
      reopenedShare: 0.5,
      rated: 2,
      csat: 0.5,
      qaEvaluations: 2,
      qaScore: 85,
    });
    expect(body.total).toMatchObject({ answered: 1, missedRings: 1 });
  });

  it('gives nothing for a day without activity, and groups the week and month', async () => {
    const empty = await app.inject({ method: 'GET', url: '/api/reports/agents?from=1405-09-13&to=1405-09-13', headers: supervisor });
    expect(empty.json().agents).toEqual([]);
    const week = await app.inject({ method: 'GET', url: '/api/reports/agents?from=1405-09-01&to=1405-09-30&period=week', headers: supervisor });
    expect(week.json().agents[0].periods).toMatchObject([{ period: '1405-09-07', answered: 1 }]);
    const month = await app.inject({ method: 'GET', url: '/api/reports/agents?from=1405-09-01&to=1405-09-30&period=month', headers: supervisor });
    expect(month.json().agents[0].periods).toMatchObject([{ period: '1405-09', answered: 1, qaScore: 85 }]);
  });

  it('downloads the CSV with a BOM, one line per period and one for the range', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/reports/agents?from=1405-09-12&to=1405-09-12&format=csv', headers: supervisor });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="hotline-agents-by-day-1405-09-12_1405-09-12.csv"');
    expect(res.body.startsWith('\uFEFFشناسه کارشناس,کارشناس,دوره,')).toBe(true);
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^${agentId},علی,1405-09-12,1,240,`));
    expect(lines[2]).toMatch(new RegExp(`^${agentId},علی,کل بازه,1,240,`));
  });

  it('refuses a bad period or date with the field named, and agents may not read it', async () => {
    const bad = await app.inject({ method: 'GET', url: '/api/reports/agents?from=1405-09-01&to=1405-09-30&period=year', headers: supervisor });
    expect(bad.statusCode).toBe(400);
    const backwards = await app.inject({ method: 'GET', url: '/api/reports/agents?from=1405-09-30&to=1405-09-01', headers: supervisor });
    expect(backwards.statusCode).toBe(400);
    const agent = await app.inject({ method: 'GET', url: '/api/reports/agents?from=1405-09-01&to=1405-09-30', headers: { authorization: 'Bearer agent-token' } });
    expect(agent.statusCode).toBe(403);
  });

  it('gives a season by day (93 days), refuses 94 by day naming the period, and gives them by week', async () => {
    // 1405-06-11 .. 1405-09-12 is 93 days (21 + 30 + 30 + 12); from 1405-06-10 it is 94.
    const season = await app.inject({ method: 'GET', url: '/api/reports/agents?from=1405-06-11&to=1405-09-12&period=day', headers: supervisor });
    expect(season.statusCode).toBe(200);
    expect(season.json().agents[0].periods.map((p: { period: string }) => p.period)).toEqual(['1405-09-12']);
    const longer = await app.inject({ method: 'GET', url: '/api/reports/agents?from=1405-06-10&to=1405-09-12&period=day', headers: supervisor });
    expect(longer.statusCode).toBe(400);
    expect(longer.json().error).toMatchObject({ code: 'HOTLINE_ERR_VALIDATION', details: { field: 'period' } });
    expect(longer.json().error.message).toMatch(/at most 93 days/);
    const weekly = await app.inject({ method: 'GET', url: '/api/reports/agents?from=1405-06-10&to=1405-09-12&period=week', headers: supervisor });
    expect(weekly.statusCode).toBe(200);
  });
});
