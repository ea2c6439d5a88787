/**
 * Escalation reaches people, on real PostgreSQL and Redis: the SLA sweep's escalations
 * reach the wallboard's stream as overdue counts per district (on connect, after a sweep,
 * after a case is closed), and each escalated case is POSTed, signed, to the escalation
 * webhook (a real local HTTP receiver), retried after a failure, once per escalation.
 */
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createCaseRepo } from '../../src/adapters/db/case-repo.js';
import { createOverdueRepo } from '../../src/adapters/db/overdue-repo.js';
import { createReportRepo } from '../../src/adapters/db/report-repo.js';
import { cases as casesTable } from '../../src/adapters/db/schema/index.js';
import { reportRange } from '../../src/domain/reports/date-range.js';
import { DEFAULT_SLA_HOURS as REPORT_SLA_HOURS } from '../../src/domain/reports/sla.js';
import { startEscalationNotify, escalationJobId } from '../../src/adapters/jobs/escalation-notify.js';
import { ESCALATION_NOTIFY_QUEUE, SLA_QUEUE } from '../../src/adapters/jobs/queues.js';
import { startSla } from '../../src/adapters/jobs/sla.js';
import { signBody } from '../../src/adapters/jobs/webhook.js';
import { parseSlaClock } from '../../src/domain/calendar/working-hours.js';
import { CASE_CATEGORIES, type NewCase } from '../../src/domain/cases/case.js';
import { DEFAULT_SLA_HOURS, slaDueAt } from '../../src/domain/cases/sla.js';
import type { OverdueSummary } from '../../src/domain/cases/overdue.js';
import type { LiveSnapshot } from '../../src/domain/queues/snapshot.js';
import { createOverdueBoard } from '../../src/services/overdue-board.js';
import { connection, useJobTestBed } from '../helpers/job-test-bed.js';
import { openHttpBackend, startHttpApp, authenticateTestToken } from '../helpers/http-app.js';
import { startWebhookServer } from '../helpers/webhook-server.js';

const bed = useJobTestBed([SLA_QUEUE, ESCALATION_NOTIFY_QUEUE]);
const logger = pino({ level: 'silent' });
/** The sweep's clock: far past every due time the database gives a new case. */
const LATE = new Date('2099-03-01T08:00:00Z');
const SECRET = 'escalation-secret-7f3a9c2e';

const newCase = (over: Partial<NewCase> = {}): NewCase => ({
  channel: 'manual',
  category: 'cleaning_waste',
  district: 3,
  description: 'زباله در کوچه',
  actor: 'agent-1',
  ...over,
});

/** Reads `overdue` events off an SSE response, skipping the others. */
function overdueEvents(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<OverdueSummary> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith('event: overdue\n')) return JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as OverdueSummary;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

describe('overdue cases on the wallboard stream', () => {
  it('sends the counts per district on connect, after a sweep that escalated, and after a case is closed', async () => {
    const repos = bed.repos;
    const board = createOverdueBoard({ summary: createOverdueRepo(bed.database.db).summary, logger });
    const cases = board.watchCases(repos.cases);
    const first = await repos.cases.create(newCase());
    await repos.cases.escalateOverdue(LATE);

    // The stream's HTTP side: the same route the wallboard reads, over a throw-away backend.
    const backend = await openHttpBackend();
    bed.closers.push(() => backend.close());
    const noStats = { snapshot: () => ({}) as LiveSnapshot, subscribe: () => () => undefined };
    const { app } = await startHttpApp(backend, { authenticate: authenticateTestToken, liveStats: noStats, overdue: board });
    bed.closers.push(() => app.close());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/queues/stats/stream`, { headers: { authorization: 'Bearer supervisor-token' }, signal: abort.signal });
    expect(res.status).toBe(200);
    const events = overdueEvents(res);
    bed.closers.push(async () => {
      abort.abort();
      await events.cancel();
    });
    expect(await events.next()).toEqual({ total: 1, byDistrict: [{ district: 3, count: 1 }] });

    const sla = startSla({ connection, prefix: bed.prefix, cases: repos.cases, logger, now: () => LATE, everyMs: 3_600_000 });
    bed.closers.push(() => sla.close(true));
    await sla.onSwept(() => void board.refresh());
    await repos.cases.create(newCase({ description: 'چراغ خاموش', category: 'streets_lighting' }));
    await repos.cases.create(newCase({ district: null, category: null, channel: 'voicebox', description: null }));
    // The scheduler's first run may have come before these cases (or between them): this
    // sweep finds the rest. A push per change: the last one counts all three.
    await sla.queue.add('escalate', {});
    let pushed = await events.next();
    while (pushed.total < 3) pushed = await events.next();
    expect(pushed).toEqual({
      total: 3,
      byDistrict: [
        { district: 3, count: 2 },
        { district: null, count: 1 },
      ],
    });

    await cases.transition({ caseId: first.id, from: 'new', to: 'rejected', actor: 'sup-1', at: LATE, note: 'تکراری نیست؛ خارج از وظایف' });
    expect(await events.next()).toEqual({
      total: 2,
      byDistrict: [
        { district: 3, count: 1 },
        { district: null, count: 1 },
      ],
    });
  });
});

describe('escalation webhook', () => {
  it('POSTs each escalated case signed, retries a failure with the same key, and notifies an escalation once', async () => {
    const receiver = await startWebhookServer((n) => (n === 0 ? 503 : 200));
    bed.closers.push(() => receiver.close());
    const escalation = startEscalationNotify({
      connection,
      prefix: bed.prefix,
      webhook: { url: receiver.url, secret: SECRET },
      cases: bed.repos.cases,
      logger,
      now: () => LATE,
      options: { backoffMs: 50 },
    });
    bed.closers.push(() => escalation.close(true));
    const created = await bed.repos.cases.create(newCase({ address: 'خیابان آزادی، کوچهٔ ۳' }));
    const sla = startSla({
      connection,
      prefix: bed.prefix,
      cases: bed.repos.cases,
      logger,
      now: () => LATE,
      everyMs: 3_600_000,
      onEscalated: (escalated) => escalation.enqueue(escalated),
    });
    bed.closers.push(() => sla.close(true));

    const failed = await receiver.request(0);
    const retried = await receiver.request(1);
    expect(failed.status).toBe(503);
    for (const r of [failed, retried]) {
      const timestamp = Number(r.headers['x-hotline-timestamp']);
      expect(timestamp).toBe(Math.floor(LATE.getTime() / 1000));
      expect(r.headers['x-hotline-signature']).toBe(signBody(r.body, SECRET, timestamp));
      expect(r.headers['x-hotline-signature']).not.toBe(signBody(r.body, 'another-secret-entirely', timestamp));
    }
    const jobId = escalationJobId(created.id, LATE);
    expect(failed.headers['idempotency-key']).toBe(jobId);
    expect(retried.headers['idempotency-key']).toBe(jobId);
    const body = JSON.parse(retried.body);
    expect(body).toMatchObject({
      event: 'case.escalated',
      escalatedAt: LATE.toISOString(),
      case: { trackingNumber: created.trackingNumber, district: 3, category: 'cleaning_waste', address: 'خیابان آزادی، کوچهٔ ۳' },
    });
    // The caller's number stays in the back office.
    expect(body.case).not.toHaveProperty('callerPhone');

    const job = (await escalation.queue.getJob(jobId))!;
    await expect.poll(() => job.getState(), { interval: 20 }).toBe('completed');
    // The same escalation handed over again (a sweep run twice): no second notice.
    const found = (await bed.repos.cases.findById(created.id))!;
    await escalation.enqueue([found]);
    expect(await escalation.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
      completed: 1,
      failed: 0,
    });
    expect(receiver.received).toHaveLength(2);
  });

  it('leaves a case alone that was closed before its notice went out', async () => {
    const receiver = await startWebhookServer(() => 200);
    bed.closers.push(() => receiver.close());
    const escalation = startEscalationNotify({
      connection,
      prefix: bed.prefix,
      webhook: { url: receiver.url, secret: SECRET },
      cases: bed.repos.cases,
      logger,
      now: () => LATE,
    });
    bed.closers.push(() => escalation.close(true));
    await bed.repos.cases.create(newCase());
    const [escalated] = await bed.repos.cases.escalateOverdue(LATE);
    await bed.repos.cases.transition({ caseId: escalated!.id, from: 'new', to: 'rejected', actor: 'sup-1', at: LATE, note: 'مربوط به شهرداری نیست' });
    await escalation.enqueue([escalated!]);
    const job = (await escalation.queue.getJob(escalationJobId(escalated!.id, LATE)))!;
    await expect.poll(() => job.getState(), { interval: 20 }).toBe('completed');
    expect((await escalation.queue.getJob(job.id!))!.returnvalue).toBe('no longer open');
    expect(receiver.received).toHaveLength(0);
  });
});

describe('due times on the SLA clock', () => {
  it('sets a new case due in working hours, and a reclassified one on its category\'s clock', async () => {
    const policy = { hours: DEFAULT_SLA_HOURS, clock: parseSlaClock('working,staff_complaint=calendar', CASE_CATEGORIES), holidays: () => [] };
    const repo = createCaseRepo(bed.database.db, { slaPolicy: policy });
    const created = await repo.create(newCase());
    expect(created.dueAt!.toISOString()).toBe(slaDueAt(created, created.createdAt, policy).toISOString());
    // 24 working hours of a district office are never done within 24 wall-clock hours.
    expect(created.dueAt!.getTime() - created.createdAt.getTime()).toBeGreaterThan(24 * 3_600_000);

    const reclassified = await repo.transition({ caseId: created.id, from: 'new', category: 'staff_complaint', actor: 'sup-1' });
    expect(reclassified.dueAt!.getTime() - created.createdAt.getTime()).toBe(168 * 3_600_000);
  });
});

describe('overdue in the reports', () => {
  it("counts a case overdue by its own due time, as the case screens do; a case without one by the table", async () => {
    const createdAt = new Date('2026-03-21T07:00:00Z'); // 1405-01-01 10:30 Tehran
    const now = new Date('2026-03-25T00:00:00Z'); // past the table's 48 h for cleaning_waste
    const row = (n: number, dueAt: Date | null) => ({
      trackingNumber: String(20_000_000 + n),
      channel: 'phone' as const,
      category: 'cleaning_waste' as const,
      district: 3,
      status: 'in_progress' as const,
      createdAt,
      updatedAt: createdAt,
      dueAt,
    });
    await bed.database.db.insert(casesTable).values([
      row(1, new Date('2026-03-22T07:00:00Z')), // due before now: overdue
      row(2, new Date('2026-03-29T07:00:00Z')), // working hours over the Nowruz holidays: not yet due
      row(3, null), // older than due times: the table decides (48 h: overdue)
    ]);
    const [day] = await createReportRepo(bed.database.db).caseAggregates(reportRange('1405-01-01', '1405-01-05'), 'district', now, REPORT_SLA_HOURS);
    expect(day).toMatchObject({ key: '3', opened: 3, overdue: 2 });
  });
});
