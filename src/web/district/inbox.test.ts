import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, OPEN_STATUSES } from '../../domain/cases/case.js';
import { checkTransition } from '../../domain/cases/lifecycle.js';
import * as inbox from './inbox.js';

const DUE = '2025-01-04T10:00:00.000Z';
const at = (iso: string) => Date.parse(iso);

describe('the SLA countdown', () => {
  it('counts down to the due time in Persian digits', () => {
    expect(inbox.formatCountdown(DUE, at('2025-01-04T09:58:55.000Z'))).toEqual({ text: '۰:۰۱:۰۵ مانده', overdue: false });
    expect(inbox.formatCountdown(DUE, at('2025-01-04T07:00:00.000Z'))).toEqual({ text: '۳:۰۰:۰۰ مانده', overdue: false });
  });

  it('rounds the time left up, so it never shows zero before the due time', () => {
    expect(inbox.formatCountdown(DUE, at('2025-01-04T09:59:59.900Z'))).toEqual({ text: '۰:۰۰:۰۱ مانده', overdue: false });
  });

  it('spells days from a day up, as the SLAs of streets run to three', () => {
    expect(inbox.formatCountdown(DUE, at('2025-01-01T08:30:15.000Z')).text).toBe('۳ روز ۰۱:۲۹:۴۵ مانده');
    expect(inbox.formatCountdown(DUE, at('2025-01-03T10:00:00.000Z')).text).toBe('۱ روز ۰۰:۰۰:۰۰ مانده');
    expect(inbox.formatCountdown(DUE, at('2025-01-03T10:00:01.000Z')).text).toBe('۲۳:۵۹:۵۹ مانده');
  });

  it('turns into the delay once the due time has come', () => {
    expect(inbox.formatCountdown(DUE, at(DUE))).toEqual({ text: '۰:۰۰:۰۰ تأخیر', overdue: true });
    expect(inbox.formatCountdown(DUE, at('2025-01-04T11:02:03.500Z'))).toEqual({ text: '۱:۰۲:۰۳ تأخیر', overdue: true });
    expect(inbox.formatCountdown(DUE, at('2025-01-06T10:00:00.000Z'))).toEqual({ text: '۲ روز ۰۰:۰۰:۰۰ تأخیر', overdue: true });
  });

  it('shows a dash for a case without a due time', () => {
    expect(inbox.formatCountdown(null, Date.now())).toEqual({ text: '—', overdue: false });
    expect(inbox.formatCountdown('not a date', Date.now())).toEqual({ text: '—', overdue: false });
  });
});

describe('what a district user may do', () => {
  it('counts the same statuses as open as the domain', () => {
    expect(inbox.OPEN_STATUSES).toEqual(OPEN_STATUSES);
    for (const s of CASE_STATUSES) expect(inbox.isOpenStatus(s), s).toBe(OPEN_STATUSES.includes(s));
  });

  it('offers exactly the changes the lifecycle allows a district user, for every status', () => {
    const actor = { role: 'district' as const, district: 5 };
    for (const from of CASE_STATUSES) {
      const allowed = CASE_STATUSES.filter((to) => checkTransition(from, to, actor, 5, 'a note').ok);
      expect(inbox.allowedActions(from), from).toEqual(allowed.filter((to) => inbox.DISTRICT_ACTIONS.some((a) => a.status === to)));
      expect(allowed.every((to) => inbox.DISTRICT_ACTIONS.some((a) => a.status === to)), from).toBe(true);
    }
  });

  it('asks for a note exactly where the lifecycle requires one', () => {
    const actor = { role: 'district' as const, district: 5 };
    for (const action of inbox.DISTRICT_ACTIONS) {
      const from = action.from[0]!;
      expect(checkTransition(from as never, action.status as never, actor, 5, null).ok, action.status).toBe(!action.needsNote);
    }
  });

  it('explains a refused change in Persian', () => {
    expect(inbox.inboxErrorMessage('HOTLINE_ERR_INVALID_TRANSITION')).toContain('ممکن نیست');
    expect(inbox.inboxErrorMessage('HOTLINE_ERR_FORBIDDEN')).toBe('این کار برای شما مجاز نیست.');
    expect(inbox.inboxErrorMessage('SOMETHING_ELSE')).toContain('دوباره تلاش کنید');
  });
});
