import { describe, expect, it } from 'vitest';
import { OPEN_STATUSES, type CaseStatus } from '../../domain/cases/case.js';
import { DECLINABLE as DOMAIN_DECLINABLE, checkTransition, isRoutable } from '../../domain/cases/lifecycle.js';
import * as ws from './workspace.js';

describe('the list query', () => {
  it('adds the saved view to the form, reads Persian digits and slashes, leaves empty fields out', () => {
    const q = new URLSearchParams(
      ws.listQuery('triage', { q: '  چاله  ', trackingNumber: '۱۲۳۴-۵۶۷۴', from: '۱۴۰۵/۱/۹', to: '', category: 'none', overdue: true }),
    );
    expect(Object.fromEntries(q)).toEqual({
      toTriage: 'true',
      unclassified: 'true',
      overdue: 'true',
      q: 'چاله',
      trackingNumber: '12345674',
      from: '1405-01-09',
      limit: '100',
    });
    expect(Object.fromEntries(new URLSearchParams(ws.listQuery('overdue', { category: 'parks_trees', district: '7' })))).toEqual({
      overdue: 'true',
      category: 'parks_trees',
      district: '7',
      limit: '100',
    });
  });

  it('names the date that is not a day', () => {
    expect(() => ws.listQuery('all', { to: 'دیروز' })).toThrow(expect.objectContaining({ field: 'to' }));
  });
});

describe('the actions offered', () => {
  it('offers agents nothing and supervisors only what the lifecycle allows', () => {
    expect(ws.caseActions('agent', { status: 'new' })).toEqual([]);
    expect(ws.caseActions('supervisor', { status: 'new' })).toEqual(['category', 'district', 'reject', 'duplicate', 'note']);
    expect(ws.caseActions('admin', { status: 'resolved' })).toEqual(['close', 'reopen', 'note']);
    const edge: Record<string, CaseStatus> = { reject: 'rejected', duplicate: 'duplicate', close: 'closed', reopen: 'reopened' };
    for (const status of [...OPEN_STATUSES, 'resolved', 'closed', 'rejected', 'duplicate'] as CaseStatus[]) {
      const offered = ws.caseActions('supervisor', { status });
      for (const [action, to] of Object.entries(edge)) {
        expect(offered.includes(action), `${status} → ${to}`).toBe(checkTransition(status, to, { role: 'supervisor' }, 1, 'n').ok);
      }
      expect(offered.includes('district'), status).toBe(isRoutable(status));
    }
    expect(ws.DECLINABLE).toEqual(DOMAIN_DECLINABLE);
  });
});

describe('the timeline', () => {
  it('merges events, deliveries, calls and surveys in time order, in Persian', () => {
    const entries = ws.timelineEntries(
      [
        { kind: 'status', at: '2026-01-01T08:00:00Z', actor: 'sms', fromStatus: null, toStatus: 'new', note: null },
        { kind: 'category', at: '2026-01-01T09:00:00Z', actor: 'sup', fromStatus: 'new', toStatus: 'new', note: 'category: - → parks_trees' },
        { kind: 'district', at: '2026-01-01T09:00:01Z', actor: 'sup', fromStatus: 'new', toStatus: 'new', note: 'district: - → 7' },
      ],
      {
        deliveries: [{ district: 7, target: 'inbox', deliveredAt: '2026-01-01T09:00:05Z' }],
        calls: [{ direction: 'inbound', startedAt: '2026-01-01T07:59:00Z', outcome: 'voicebox', agentId: null }],
        articles: [{ callId: 'c-1', articleId: 'a-1', title: 'هرس درختان', agentId: 'agent-1', usedAt: '2026-01-01T07:59:30Z' }],
      },
      [{ surveyNumber: 1, status: 'answered', scheduledAt: '2026-01-02T08:00:00Z', answeredAt: '2026-01-02T08:05:00Z', rating: 4, solved: true }],
    );
    expect(entries.map((e) => [e.kind, e.title, e.detail])).toEqual([
      ['call', 'تماس ورودی', 'پیام صوتی'],
      ['article', 'پاسخ از بانک دانش', 'هرس درختان'],
      ['status', 'ثبت پرونده', ''],
      ['category', 'تغییر موضوع', 'بدون ← پارک‌ها و فضای سبز'],
      ['district', 'ارجاع به منطقه', 'بدون ← منطقه ۷'],
      ['delivery', 'تحویل به منطقه ۷', 'کارتابل منطقه'],
      ['survey', 'نظرسنجی ۱: پاسخ داده شد', 'امتیاز ۴ از ۵؛ مشکل حل شد'],
    ]);
  });
});
