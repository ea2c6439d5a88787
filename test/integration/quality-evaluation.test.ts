import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../src/adapters/log/logger.js';
import { conversationName } from '../../src/recordings/domain/conversation-name.js';
import { createQualityModule } from '../../src/quality/quality-module.js';
import { openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';
import { recordingServiceFor } from '../helpers/recording-service.js';
import { wav } from '../helpers/wav.js';

/** Supervisors score a recorded call on a form they defined; the agent sees and disputes it; calibration and reports. */
let backend: HttpBackend;
let app: FastifyInstance;
let agentId: string;
let recordingId: string;

const principals: Record<string, { id: string; role: 'agent' | 'supervisor' }> = {};
const as = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  backend = await openHttpBackend();
  agentId = (await backend.repos.users.create({ username: 'qa-agent', displayName: 'Ali', role: 'agent', district: null, passwordHash: 'x' })).id;
  principals.agent = { id: agentId, role: 'agent' };
  principals.other = { id: (await backend.repos.users.create({ username: 'qa-other', displayName: 'Sara', role: 'agent', district: null, passwordHash: 'x' })).id, role: 'agent' };
  principals.sup1 = { id: 'sup-1', role: 'supervisor' };
  principals.sup2 = { id: 'sup-2', role: 'supervisor' };
  const { service, folder } = recordingServiceFor({ database: backend.database, calls: backend.repos.calls, store: backend.store, logger: createLogger('silent') });
  await backend.repos.calls.start({ uniqueId: '1796000000.7', caller: '09121234567', startedAt: new Date('2026-12-02T07:30:00Z') });
  const call = await backend.repos.calls.update('1796000000.7', { queue: 'complaints', queueResult: 'answered', agentId });
  folder.files.set(conversationName({ startedAt: new Date('2026-12-02T07:30:00Z'), callId: call.id, uniqueId: '1796000000.7' }), wav(8000));
  await service.importLeftovers();
  recordingId = (await service.list({ callId: call.id }))[0]!.id;
  ({ app } = await startHttpApp(backend, {
    callRecordings: service,
    quality: createQualityModule({ db: backend.database.db, recordings: service, agents: backend.repos.agents, now: () => new Date('2026-12-03T08:00:00Z') }),
    authenticate: (token) => principals[token] ?? null,
  }));
}, 60_000);

afterAll(async () => {
  await app?.close();
  await backend?.close();
});

describe('quality evaluation', () => {
  let formId: string;
  let firstId: string;

  it('refuses a bad form with every problem named, and keeps a good one', async () => {
    const bad = await as('sup1', 'POST', '/api/qa/forms', { name: 'Bad', criteria: [{ id: 'a', label: 'A', weight: 1, critical: true }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.problems).toEqual(['At least one criterion must be scored, not only pass/fail']);
    const res = await as('sup1', 'POST', '/api/qa/forms', {
      name: 'فرم پایه',
      criteria: [
        { id: 'greeting', label: 'سلام و معرفی', weight: 1, critical: false },
        { id: 'listening', label: 'گوش دادن', weight: 3, critical: false },
        { id: 'privacy', label: 'حریم شهروند', weight: 1, critical: true },
      ],
    });
    expect(res.statusCode).toBe(201);
    formId = res.json().id;
  });

  it('proposes the agent\'s call in the week\'s sample until it is scored', async () => {
    const sample = await as('sup1', 'GET', '/api/qa/sample?week=1405-09-07');
    expect(sample.json().recordings.map((r: { id: string }) => r.id)).toEqual([recordingId]);
  });

  it('scores a call, shows the score and comment to the agent, and refuses a second score by the same supervisor', async () => {
    const res = await as('sup1', 'POST', '/api/qa/evaluations', { recordingId, formId, answers: { greeting: 100, listening: 60, privacy: 100 }, comment: 'خوب بود' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ score: 70, criticalFailed: false, agentId, queue: 'complaints' });
    firstId = res.json().id;
    const again = await as('sup1', 'POST', '/api/qa/evaluations', { recordingId, formId, answers: { greeting: 100, listening: 60, privacy: 100 } });
    expect(again.statusCode).toBe(409);
    const bad = await as('sup2', 'POST', '/api/qa/evaluations', { recordingId, formId, answers: { greeting: 100, listening: 60, privacy: 50 } });
    expect(bad.statusCode).toBe(400);

    const mine = await as('agent', 'GET', '/api/qa/evaluations');
    expect(mine.json().evaluations).toMatchObject([{ id: firstId, score: 70, comment: 'خوب بود' }]);
    // Another agent sees none of it, even asking for this agent's, and cannot dispute it.
    expect((await as('other', 'GET', `/api/qa/evaluations?agentId=${agentId}`)).json().evaluations).toEqual([]);
    expect((await as('other', 'POST', `/api/qa/evaluations/${firstId}/dispute`, { reason: 'not mine' })).statusCode).toBe(404);
    expect((await as('sup1', 'GET', '/api/qa/sample?week=1405-09-07')).json().recordings).toEqual([]);
  });

  it('shows the variance when a second supervisor scores the same call', async () => {
    await as('sup2', 'POST', '/api/qa/evaluations', { recordingId, formId, answers: { greeting: 100, listening: 100, privacy: 100 } });
    const res = await as('sup1', 'GET', `/api/qa/recordings/${recordingId}/calibration`);
    expect(res.json().calibration).toEqual({ evaluations: 2, mean: 85, variance: 225, spread: 30, criticalDisagreement: false });
  });

  it('lets the agent dispute once and a supervisor revise the score', async () => {
    expect((await as('agent', 'POST', `/api/qa/evaluations/${firstId}/dispute`, { reason: 'گوش دادم' })).json().disputeStatus).toBe('open');
    expect((await as('agent', 'POST', `/api/qa/evaluations/${firstId}/dispute`, { reason: 'again' })).statusCode).toBe(409);
    const open = await as('sup2', 'GET', '/api/qa/evaluations?disputeStatus=open');
    expect(open.json().evaluations).toMatchObject([{ id: firstId, disputeStatus: 'open', disputeReason: 'گوش دادم' }]);
    const revised = await as('sup2', 'POST', `/api/qa/evaluations/${firstId}/resolve`, { outcome: 'revised', note: 'درست است', answers: { greeting: 100, listening: 80, privacy: 100 } });
    expect(revised.json()).toMatchObject({ disputeStatus: 'revised', score: 85 });
    expect((await as('sup2', 'GET', '/api/qa/evaluations?disputeStatus=open')).json().evaluations).toEqual([]);
  });

  it('reports the mean score per agent and per criterion with the weekly trend', async () => {
    const byAgent = await as('sup1', 'GET', '/api/reports/quality?from=1405-09-01&to=1405-09-30&by=agent');
    expect(byAgent.json().rows).toEqual([{ key: agentId, evaluations: 2, meanScore: 92.5, criticalFailRate: 0, trend: [{ period: '1405-09-07', meanScore: 92.5, evaluations: 2 }] }]);
    const byCriterion = await as('sup1', 'GET', '/api/reports/quality?from=1405-09-01&to=1405-09-30&by=criterion&period=month');
    expect(byCriterion.json().rows.map((r: { key: string; meanScore: number }) => [r.key, r.meanScore])).toEqual([
      ['greeting', 100],
      ['listening', 90],
      ['privacy', 100],
    ]);
  });
});
