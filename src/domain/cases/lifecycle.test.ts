import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, type CaseStatus } from './case.js';
import {
  checkTransition,
  isRoutable,
  isTransition,
  mayBulkTriage,
  mayDecline,
  mayReclassify,
  maySetDistrict,
  TRANSITIONS,
  type Actor,
} from './lifecycle.js';

const supervisor: Actor = { role: 'supervisor' };
const admin: Actor = { role: 'admin' };
const agent: Actor = { role: 'agent' };
const district7: Actor = { role: 'district', district: 7 };
const system: Actor = { role: 'system' };

describe('lifecycle graph', () => {
  it.each<[CaseStatus, CaseStatus, boolean]>([
    ['new', 'dispatched', true],
    ['dispatched', 'acknowledged', true],
    ['acknowledged', 'in_progress', true],
    ['in_progress', 'resolved', true],
    ['resolved', 'closed', true],
    ['closed', 'reopened', true],
    ['reopened', 'dispatched', true],
    ['new', 'resolved', false],
    ['new', 'closed', false],
    ['closed', 'new', false],
    ['in_progress', 'dispatched', false],
    ['resolved', 'in_progress', false],
    ['duplicate', 'closed', false],
    ['new', 'new', false],
  ])('%s → %s is %s', (from, to, expected) => {
    expect(isTransition(from, to)).toBe(expected);
  });

  it('has no self-loops and only known statuses', () => {
    for (const from of CASE_STATUSES) {
      for (const to of TRANSITIONS[from]) {
        expect(CASE_STATUSES).toContain(to);
        expect(to).not.toBe(from);
      }
    }
  });

  it('every status is reachable from new', () => {
    const seen = new Set<CaseStatus>(['new']);
    const queue: CaseStatus[] = ['new'];
    while (queue.length) for (const to of TRANSITIONS[queue.shift()!]) if (!seen.has(to)) seen.add(to), queue.push(to);
    expect([...seen].sort()).toEqual([...CASE_STATUSES].sort());
  });
});

describe('checkTransition', () => {
  it.each<[string, CaseStatus, CaseStatus, Actor, number | null, string | null, string]>([
    ['district acknowledges its case', 'dispatched', 'acknowledged', district7, 7, null, 'ok'],
    ['district starts work', 'acknowledged', 'in_progress', district7, 7, null, 'ok'],
    ['district resolves with a note', 'in_progress', 'resolved', district7, 7, 'asphalt repaired', 'ok'],
    ['district resolves without a note', 'in_progress', 'resolved', district7, 7, '  ', 'note'],
    ['district acts on another district', 'dispatched', 'acknowledged', district7, 8, null, 'district'],
    ['district acts on an unrouted case', 'dispatched', 'acknowledged', district7, null, null, 'district'],
    ['district user with no district', 'dispatched', 'acknowledged', { role: 'district', district: null }, null, null, 'district'],
    ['district closes', 'resolved', 'closed', district7, 7, null, 'role'],
    ['district rejects', 'dispatched', 'rejected', district7, 7, 'not ours', 'role'],
    ['district dispatches', 'new', 'dispatched', district7, 7, null, 'role'],
    ['agent rejects', 'new', 'rejected', agent, null, 'private property', 'ok'],
    ['agent rejects without a note', 'new', 'rejected', agent, null, null, 'note'],
    ['agent marks duplicate', 'dispatched', 'duplicate', agent, 3, null, 'ok'],
    ['agent closes a resolved case', 'resolved', 'closed', agent, 3, null, 'ok'],
    ['agent reopens', 'closed', 'reopened', agent, 3, 'citizen says not fixed', 'ok'],
    ['agent acknowledges for the district', 'dispatched', 'acknowledged', agent, 3, null, 'role'],
    ['agent resolves', 'in_progress', 'resolved', agent, 3, 'done', 'role'],
    ['supervisor acknowledges', 'dispatched', 'acknowledged', supervisor, 3, null, 'ok'],
    ['supervisor dispatches by hand', 'new', 'dispatched', supervisor, 3, null, 'ok'],
    ['admin resolves', 'acknowledged', 'resolved', admin, 3, 'done', 'ok'],
    ['supervisor skips the graph', 'new', 'closed', supervisor, 3, null, 'not_allowed'],
    ['admin skips the graph', 'closed', 'in_progress', admin, 3, null, 'not_allowed'],
    ['system dispatches', 'new', 'dispatched', system, 3, null, 'ok'],
    ['system redispatches a reopened case', 'reopened', 'dispatched', system, 3, null, 'ok'],
    ['system acknowledges', 'dispatched', 'acknowledged', system, 3, null, 'role'],
  ])('%s', (_name, from, to, actor, caseDistrict, note, expected) => {
    const result = checkTransition(from, to, actor, caseDistrict, note);
    expect(result.ok ? 'ok' : result.reason).toBe(expected);
  });
});

describe('routing', () => {
  it.each<[Actor, boolean]>([
    [admin, true],
    [supervisor, true],
    [agent, true],
    [district7, false],
    [system, false],
  ])('%o may set the district: %s', (actor, expected) => {
    expect(maySetDistrict(actor)).toBe(expected);
  });

  it.each<[CaseStatus, boolean]>([
    ['new', true],
    ['dispatched', true],
    ['reopened', true],
    ['in_progress', true],
    ['resolved', false],
    ['closed', false],
    ['rejected', false],
    ['duplicate', false],
  ])('a %s case is routable: %s', (status, expected) => {
    expect(isRoutable(status)).toBe(expected);
  });
});

describe('back-office rights', () => {
  it('lets those who route reclassify, and only supervisors and admins triage in bulk', () => {
    expect(['admin', 'supervisor', 'agent', 'district'].map((role) => mayReclassify({ role } as Actor))).toEqual([true, true, true, false]);
    expect(['admin', 'supervisor', 'agent', 'district'].map((role) => mayBulkTriage({ role } as Actor))).toEqual([true, true, false, false]);
  });

  it('lets a district decline only its own case, before it took it up', () => {
    const d5: Actor = { role: 'district', district: 5 };
    expect(mayDecline(d5, 'dispatched', 5)).toBe(true);
    expect(mayDecline(d5, 'reopened', 5)).toBe(true);
    expect(mayDecline(d5, 'acknowledged', 5)).toBe(false);
    expect(mayDecline(d5, 'dispatched', 6)).toBe(false);
    expect(mayDecline({ role: 'supervisor' }, 'dispatched', 5)).toBe(false);
  });
});
