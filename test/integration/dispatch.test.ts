import type { Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/adapters/db/database.js';
import type { Repositories } from '../../src/adapters/db/repositories.js';
import { caseEvents, cases } from '../../src/adapters/db/schema/index.js';
import { buildServer } from '../../src/adapters/http/server.js';
import { startDispatch, type Dispatch, type DispatchDeps } from '../../src/adapters/jobs/dispatch.js';
import { dispatchJobId, DISPATCH_QUEUE, SLA_QUEUE } from '../../src/adapters/jobs/queues.js';
import { routeOnDistrict } from '../../src/adapters/jobs/routing.js';
import { startSla, type Sla } from '../../src/adapters/jobs/sla.js';
import { signBody } from '../../src/adapters/jobs/webhook.js';
import type { NewCase } from '../../src/domain/cases/case.js';
import type { CaseRepo } from '../../src/domain/cases/ports.js';
import { connection, useJobTestBed } from '../helpers/job-test-bed.js';
import { ALL_UP, officeHours, serviceDeps, TEST_ADMIN_TOKEN } from '../helpers/http-app.js';
import { startWebhookServer } from '../helpers/webhook-server.js';

const logger = pino({ level: 'silent' });
const SECRET = 'district-7-webhook-secret';
// Saturday 2025-01-04 23:00 in Tehran: district offices are closed until Sunday 07:30.
const SAT_NIGHT = new Date('2025-01-04T19:30:00.000Z');
const SUN_0730 = new Date('2025-01-05T04:00:00.000Z');

const bed = useJobTestBed([DISPATCH_QUEUE, SLA_QUEUE]);
const { closers } = bed;
let database: Database;
let repos: Repositories;
let prefix: string;

beforeEach(async () => {
  ({ database, repos, prefix } = bed);
});

function dispatch(over: Partial<DispatchDeps> = {}): Dispatch {
  const d = startDispatch({
    connection,
    prefix,
    cases: repos.cases,
    districts: repos.districts,
    units: repos.units,
    dispatches: repos.dispatches,
    holidays: [],
    logger,
    now: () => new Date(),
    options: { attempts: 8, backoffMs: 10, timeoutMs: 2_000 },
    ...over,
  });
  closers.push(() => d.close());
  return d;
}

async function webhook(respond: (n: number) => number | 'hold') {
  const server = await startWebhookServer(respond);
  closers.push(() => server.close());
  await repos.districts.update(7, { webhookUrls: [server.url], webhookSecret: SECRET });
  return server;
}

/** Resolves when the worker finishes (completes or, with `failed`, fails) the job with this id. */
function settled(d: Dispatch, jobId: string, event: 'completed' | 'failed' = 'completed', when: (job: Job) => boolean = () => true) {
  return new Promise<Job>((resolve) => {
    const listener = (job: Job | undefined) => {
      if (job?.id === jobId && when(job)) {
        d.worker!.off(event, listener);
        resolve(job);
      }
    };
    d.worker!.on(event, listener);
  });
}

const newCase = (over: Partial<NewCase> = {}): NewCase => ({
  channel: 'manual',
  category: 'cleaning_waste',
  district: 7,
  description: 'زباله در کوچه',
  actor: 'agent-1',
  ...over,
});

function routed(d: Dispatch): CaseRepo {
  return routeOnDistrict(repos.cases, d.enqueue, logger);
}

async function eventsOf(caseId: string) {
  return database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId));
}

describe('dispatch to a district', () => {
  it('delivers exactly once, signed, to a webhook that fails 3 times, and marks the case dispatched', async () => {
    const server = await webhook((n) => (n < 3 ? 503 : 200));
    const d = dispatch();
    const created = await routed(d).create(newCase());
    const jobId = dispatchJobId(created.id, 7);
    const done = await settled(d, jobId);

    expect(done.attemptsMade).toBe(4);
    expect(server.received.map((r) => r.status)).toEqual([503, 503, 503, 200]);
    for (const r of server.received) {
      const timestamp = Number(r.headers['x-hotline-timestamp']);
      expect(Number.isInteger(timestamp)).toBe(true);
      // Signed over timestamp.body: the same body with another time has another signature.
      expect(r.headers['x-hotline-signature']).toBe(signBody(r.body, SECRET, timestamp));
      expect(r.headers['x-hotline-signature']).not.toBe(signBody(r.body, SECRET, timestamp + 1));
      expect(r.headers['idempotency-key']).toBe(jobId);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
    }
    const body = JSON.parse(server.received[3]!.body);
    expect(body).toMatchObject({ event: 'case.dispatched', district: 7, case: { id: created.id, trackingNumber: created.trackingNumber } });

    expect((await repos.dispatches.deliveredTargets(created.id, 7)).sort()).toEqual(['inbox', server.url].sort());
    const after = await repos.cases.findById(created.id);
    expect(after?.status).toBe('dispatched');
    expect(after?.dispatchFailedAt).toBeNull();
    const statusEvents = (await eventsOf(created.id)).filter((e) => e.kind === 'status');
    expect(statusEvents.map((e) => [e.fromStatus, e.toStatus, e.actor])).toEqual([
      [null, 'new', 'agent-1'],
      ['new', 'dispatched', 'dispatch'],
    ]);

    // The same case and district again: the job id makes it a no-op.
    await d.enqueue((await repos.cases.findById(created.id))!);
    const pending = await d.queue.getJobs(['waiting', 'delayed', 'active', 'prioritized']);
    expect(pending.filter((j) => j.name === 'deliver')).toEqual([]);
    expect(server.received).toHaveLength(4);
  });

  it('loses nothing when a worker dies mid-job: another worker takes the job over', async () => {
    const server = await webhook((n) => (n === 0 ? 'hold' : 200));
    const first = dispatch({ lockDurationMs: 1_000, stalledIntervalMs: 300 });
    const created = await routed(first).create(newCase());
    const jobId = dispatchJobId(created.id, 7);
    await server.request(0); // the first worker is now inside the job, waiting on the webhook
    await first.worker!.close(true);

    const second = dispatch({ lockDurationMs: 1_000, stalledIntervalMs: 300 });
    await settled(second, jobId);

    expect(server.received.map((r) => r.status)).toEqual([null, 200]);
    expect((await repos.cases.findById(created.id))?.status).toBe('dispatched');
    const job = await second.queue.getJob(jobId);
    expect(await job?.getState()).toBe('completed');
  });

  it('delays an after-hours voice message until the district opens', async () => {
    const server = await webhook(() => 200);
    let now = SAT_NIGHT;
    const d = dispatch({ now: () => now });
    const created = await routed(d).create(newCase({ channel: 'voicebox', description: null }));
    const jobId = dispatchJobId(created.id, 7);

    const job = await d.queue.getJob(jobId);
    expect(await job!.getState()).toBe('delayed');
    expect(job!.opts.delay).toBe(SUN_0730.getTime() - SAT_NIGHT.getTime());
    expect(server.received).toHaveLength(0);

    // The morning comes: the delayed job is due.
    now = SUN_0730;
    const done = settled(d, jobId);
    await job!.promote();
    await done;
    expect(server.received).toHaveLength(1);
    expect((await repos.cases.findById(created.id))?.status).toBe('dispatched');
  });

  it('queues by its sweep a case whose job was never added (Redis down at creation)', async () => {
    const server = await webhook(() => 200);
    const missed = await repos.cases.create(newCase()); // the plain repository: no job
    const fresh = await repos.cases.create(newCase()); // too young: may still be on its way
    await database.db.update(cases).set({ createdAt: new Date(Date.now() - 180_000) }).where(eq(cases.id, missed.id));
    const d = dispatch({ sweepEveryMs: 100 });
    await settled(d, dispatchJobId(missed.id, 7));
    expect(server.received).toHaveLength(1);
    expect(JSON.parse(server.received[0]!.body).case.id).toBe(missed.id);
    expect(await d.queue.getJob(dispatchJobId(fresh.id, 7))).toBeUndefined();
  });

  it('sends a phone case at night at once', async () => {
    await webhook(() => 200);
    const d = dispatch({ now: () => SAT_NIGHT });
    const created = await routed(d).create(newCase({ channel: 'phone' }));
    const job = await d.queue.getJob(dispatchJobId(created.id, 7));
    expect(job!.opts.delay ?? 0).toBe(0);
  });

  it('dispatches when a district is set later, and again for a new district', async () => {
    await webhook(() => 200);
    const d = dispatch();
    const repo = routed(d);
    const created = await repo.create(newCase({ district: null }));
    const jobs = await d.queue.getJobs(['waiting', 'delayed', 'active', 'prioritized', 'completed']);
    expect(jobs.filter((j) => j.name === 'deliver')).toEqual([]);

    // Each change of district is a routing of its own (1, then 2).
    const to7 = settled(d, dispatchJobId(created.id, 7, 1));
    await repo.transition({ caseId: created.id, from: 'new', district: 7, actor: 'agent-1' });
    await to7;
    expect((await repos.cases.findById(created.id))?.status).toBe('dispatched');

    const to9 = settled(d, dispatchJobId(created.id, 9, 2));
    await repo.transition({ caseId: created.id, from: 'dispatched', district: 9, actor: 'supervisor-1' });
    await to9;
    expect(await repos.dispatches.deliveredTargets(created.id, 9, 2)).toEqual(['inbox']);
    const events = await eventsOf(created.id);
    expect(events.filter((e) => e.kind === 'district').map((e) => e.note)).toEqual(['district: - → 7', 'district: 7 → 9']);
  });

  it('delivers again when a case its district declined is routed back to that same district', async () => {
    const server = await webhook(() => 200);
    const d = dispatch();
    const repo = routed(d);
    const created = await repo.create(newCase());
    await settled(d, dispatchJobId(created.id, 7));
    expect(server.received).toHaveLength(1);

    // «مربوط به این منطقه نیست»: back to triage, then a supervisor sends it to 7 again.
    const declined = await repo.transition({ caseId: created.id, from: 'dispatched', district: null, actor: 'district-7', note: 'not ours' });
    const rerouted = await repo.transition({ caseId: created.id, from: declined.status, district: 7, actor: 'supervisor-1' });
    expect(rerouted.routing).toBeGreaterThan(created.routing);
    await settled(d, dispatchJobId(created.id, 7, rerouted.routing));

    expect(server.received).toHaveLength(2);
    // Each routing is its own delivery: the receiver must not drop it as a repeat.
    expect(server.received[1]!.headers['idempotency-key']).not.toBe(server.received[0]!.headers['idempotency-key']);
    const deliveries = await repos.cases.deliveries(created.id);
    expect(deliveries.filter((x) => x.target === 'inbox')).toHaveLength(2);
  });

  it("delivers a case routed to a unit to the unit's own webhook, signed with its secret, and to its district's inbox", async () => {
    const district = await webhook(() => 200);
    const unitServer = await startWebhookServer(() => 200);
    closers.push(() => unitServer.close());
    await repos.units.create({
      id: 'd7-north', kind: 'unit', district: 7, name: 'ناحیه شمالی', webhookUrls: [unitServer.url], webhookSecret: 'unit-north-webhook-secret', contacts: [], slaHours: null,
    });
    const d = dispatch();
    const repo = routed(d);
    const created = await repo.create(newCase({ district: null }));
    const toUnit = await repo.transition({ caseId: created.id, from: 'new', unit: 'd7-north', actor: 'supervisor-1' });
    expect([toUnit.district, toUnit.unit]).toEqual([7, 'd7-north']);
    await settled(d, dispatchJobId(created.id, 7, toUnit.routing));

    expect(district.received).toHaveLength(0);
    expect(unitServer.received).toHaveLength(1);
    const r = unitServer.received[0]!;
    expect(r.headers['x-hotline-signature']).toBe(signBody(r.body, 'unit-north-webhook-secret', Number(r.headers['x-hotline-timestamp'])));
    expect(JSON.parse(r.body)).toMatchObject({ district: 7, unit: 'd7-north', case: { unit: 'd7-north' } });
    expect((await repos.dispatches.deliveredTargets(created.id, 7, toUnit.routing)).sort()).toEqual(['inbox', unitServer.url].sort());
  });

  it('flags the case after the last attempt, keeps the job, and a supervisor retries it', async () => {
    let up = false;
    const server = await webhook(() => (up ? 200 : 500));
    const d = dispatch({ options: { attempts: 3, backoffMs: 10, timeoutMs: 2_000 } });
    const created = await routed(d).create(newCase());
    const jobId = dispatchJobId(created.id, 7);
    await settled(d, jobId, 'failed', (job) => job.attemptsMade >= 3);

    expect(server.received).toHaveLength(3);
    const flagged = await repos.cases.findById(created.id);
    expect(flagged?.status).toBe('new');
    expect(flagged?.dispatchFailedAt).toBeInstanceOf(Date);
    const failedEvent = (await eventsOf(created.id)).find((e) => e.kind === 'dispatch_failed');
    expect(failedEvent?.note).toContain('http://127.0.0.1');
    expect(failedEvent?.note).not.toContain('secret-in-query');
    expect(await (await d.queue.getJob(jobId))!.getState()).toBe('failed');

    const app = await buildServer({
      cases: repos.cases,
      recordings: { stat: async () => null, createReadStream: () => { throw new Error('unused'); } },
      health: async () => ALL_UP,
      hours: await officeHours(repos, logger, []),
      adminToken: TEST_ADMIN_TOKEN,
      ...serviceDeps(repos, logger),
      authenticate: (token) => (token === 'agent' ? { id: 'agent-1', role: 'agent' } : token === 'sup' ? { id: 'sup-1', role: 'supervisor' } : null),
      dispatch: d,
      logger,
      now: () => new Date(),
    });
    closers.push(() => app.close());
    const url = `/api/dispatch/${jobId}/retry`;

    const byAgent = await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer agent' } });
    expect(byAgent.statusCode).toBe(403);
    const unknown = await app.inject({ method: 'POST', url: '/api/dispatch/case-nope-district-1/retry', headers: { authorization: 'Bearer sup' } });
    expect(unknown.statusCode).toBe(404);

    up = true;
    const done = settled(d, jobId);
    const res = await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer sup' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ jobId, caseId: created.id, trackingNumber: created.trackingNumber, state: 'waiting' });
    await done;

    const after = await repos.cases.findById(created.id);
    expect(after?.status).toBe('dispatched');
    expect(after?.dispatchFailedAt).toBeNull();
    expect(server.received.filter((r) => r.status === 200)).toHaveLength(1);
    const again = await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer sup' } });
    expect(again.statusCode).toBe(409);
  });

  it.each([400, 403, 404, 410, 422])('fails at once on a %i and flags the case for a manual retry', async (status) => {
    const server = await webhook(() => status);
    const d = dispatch();
    const created = await routed(d).create(newCase());
    const jobId = dispatchJobId(created.id, 7);
    const failed = await settled(d, jobId, 'failed');

    expect(failed.attemptsMade).toBe(1);
    expect(server.received.map((r) => r.status)).toEqual([status]);
    expect(await (await d.queue.getJob(jobId))!.getState()).toBe('failed');
    const flagged = await repos.cases.findById(created.id);
    expect(flagged?.dispatchFailedAt).toBeInstanceOf(Date);
    expect((await eventsOf(created.id)).find((e) => e.kind === 'dispatch_failed')?.note).toContain(`webhook answered ${status}`);
  });

  it.each([408, 429, 500, 503])('retries a %i until the district takes the case', async (status) => {
    const server = await webhook((n) => (n < 2 ? status : 200));
    const d = dispatch();
    const created = await routed(d).create(newCase());
    const done = await settled(d, dispatchJobId(created.id, 7));

    expect(done.attemptsMade).toBe(3);
    expect(server.received.map((r) => r.status)).toEqual([status, status, 200]);
    expect((await repos.cases.findById(created.id))?.dispatchFailedAt).toBeNull();
  });

  it('delivers to district 5 while district 3\'s receiver hangs on more cases than the old four workers', async () => {
    // Requests to district 3 stay open far longer than this test may take.
    const d = dispatch({ options: { attempts: 8, backoffMs: 10, timeoutMs: 600_000 } });
    const hanging = await startWebhookServer(() => 'hold');
    closers.push(() => hanging.close());
    const healthy = await startWebhookServer(() => 200);
    closers.push(() => healthy.close());
    await repos.districts.update(3, { webhookUrls: [hanging.url], webhookSecret: SECRET });
    await repos.districts.update(5, { webhookUrls: [healthy.url], webhookSecret: SECRET });

    const stuck = [];
    for (let i = 0; i < 6; i++) stuck.push(await routed(d).create(newCase({ district: 3 })));
    await hanging.request(1); // district 3 now holds its share of the worker

    const other = await routed(d).create(newCase({ district: 5 }));
    await settled(d, dispatchJobId(other.id, 5));

    expect((await repos.cases.findById(other.id))?.status).toBe('dispatched');
    expect(healthy.received.map((r) => r.status)).toEqual([200]);
    // District 3 never held more than its two slots, and those requests are still open.
    expect(hanging.received).toHaveLength(2);
    expect(hanging.received.every((r) => r.status === null)).toBe(true);
    for (const c of stuck) expect((await repos.cases.findById(c.id))?.status).toBe('new');
  });
});

describe('SLA escalation', () => {
  it('escalates an overdue open case exactly once, over several scheduler runs', async () => {
    const waste = await repos.cases.create(newCase({ category: 'cleaning_waste' })); // 24 h
    const streets = await repos.cases.create(newCase({ category: 'streets_lighting' })); // 72 h
    const closedLate = await repos.cases.create(newCase({ category: 'cleaning_waste' }));
    await repos.cases.transition({ caseId: closedLate.id, from: 'new', to: 'rejected', actor: 'agent-1', note: 'not ours' });

    const later = new Date(Date.now() + 25 * 3_600_000);
    const sla: Sla = startSla({ connection, prefix, cases: repos.cases, logger, now: () => later, everyMs: 150 });
    closers.push(() => sla.close());
    const results: number[] = [];
    await new Promise<void>((resolve) => {
      sla.worker!.on('completed', (_job, value: number) => {
        results.push(value);
        if (results.length === 3) resolve();
      });
    });
    expect(results).toEqual([1, 0, 0]);

    const escalated = await eventsOf(waste.id);
    expect(escalated.filter((e) => e.kind === 'escalated').map((e) => [e.actor, e.fromStatus, e.toStatus])).toEqual([['sla', 'new', 'new']]);
    expect((await repos.cases.findById(waste.id))?.escalatedAt?.toISOString()).toBe(later.toISOString());
    expect((await repos.cases.findById(streets.id))?.escalatedAt).toBeNull();
    expect((await repos.cases.findById(closedLate.id))?.escalatedAt).toBeNull();
  });

  it('escalates once when two sweeps run at the same moment', async () => {
    const c = await repos.cases.create(newCase());
    const later = new Date(Date.now() + 25 * 3_600_000);
    const [a, b] = await Promise.all([repos.cases.escalateOverdue(later), repos.cases.escalateOverdue(later)]);
    expect(a.length + b.length).toBe(1);
    expect((await eventsOf(c.id)).filter((e) => e.kind === 'escalated')).toHaveLength(1);
  });
});
