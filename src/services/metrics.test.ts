import { describe, expect, it } from 'vitest';
import { renderMetrics, renderWarningMetrics } from './metrics.js';

describe('the Prometheus exposition', () => {
  it('writes HELP and TYPE before each family, ends with a newline, and escapes label values', () => {
    const text = renderMetrics({
      stats: null,
      connections: [{ node: 'a', ari: true, ami: true }],
      jobs: { 'odd"queue\\name': { waiting: 2 }, down: null },
    });
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      '# HELP hotline_asterisk_connection_up Whether the engine is connected to the Asterisk node (1) or not (0).',
      '# TYPE hotline_asterisk_connection_up gauge',
    ]);
    expect(lines).toContain('hotline_jobs{queue="odd\\"queue\\\\name",state="waiting"} 2');
    expect(lines).toContain('hotline_jobs{queue="odd\\"queue\\\\name",state="failed"} 0');
    expect(lines).toContain('hotline_jobs_up{queue="down"} 0');
    expect(lines.filter((l) => l.startsWith('hotline_jobs{queue="down"'))).toEqual([]);
    // Without a snapshot the queue families are left out rather than reported as zero.
    expect(lines.some((l) => l.startsWith('hotline_calls_waiting'))).toBe(false);
  });

  it('counts the shared outbound queue (survey and callback calls) under its own name, beside dispatch', () => {
    const lines = renderMetrics({
      stats: null,
      connections: [{ node: 'a', ari: false, ami: false }],
      jobs: { dispatch: { waiting: 1 }, 'outbound-calls': { active: 3, delayed: 7 } },
    }).split('\n');
    expect(lines).toContain('# HELP hotline_jobs BullMQ jobs by queue and state (outbound-calls: survey and callback calls together).');
    expect(lines.filter((l) => l.startsWith('hotline_jobs{queue="outbound-calls"'))).toEqual([
      'hotline_jobs{queue="outbound-calls",state="waiting"} 0',
      'hotline_jobs{queue="outbound-calls",state="active"} 3',
      'hotline_jobs{queue="outbound-calls",state="failed"} 0',
      'hotline_jobs{queue="outbound-calls",state="delayed"} 7',
    ]);
    expect(lines).toContain('hotline_jobs{queue="dispatch",state="waiting"} 1');
    expect(lines.filter((l) => l.startsWith('hotline_jobs_up{'))).toEqual(['hotline_jobs_up{queue="dispatch"} 1', 'hotline_jobs_up{queue="outbound-calls"} 1']);
  });
});

describe('the health warnings as metrics', () => {
  it('counts the warnings per source and reports 0 for a source without any', () => {
    const lines = renderWarningMetrics({
      redis: [
        'Redis appendonly is "no": jobs (dispatches, surveys, callbacks) are lost on a restart; set appendonly yes',
        'Redis maxmemory-policy is "allkeys-lru": a full Redis evicts jobs; set maxmemory-policy noeviction',
      ],
    }).split('\n');
    expect(lines).toContain('# TYPE hotline_health_warnings gauge');
    expect(lines).toContain('hotline_health_warnings{source="redis"} 2');
    expect(lines).toContain('hotline_health_warnings{source="calendar"} 0');
    expect(lines).toContain('hotline_health_warnings{source="other"} 0');
  });

  it('tells the calendar warning from the others', () => {
    const text = renderWarningMetrics({
      calendar: ["calendar: lunar holidays end with 1405; enter 1406's official holidays on /hours before 2027-03-21 (30 days)"],
      other: ['something else'],
    });
    expect(text).toContain('hotline_health_warnings{source="calendar"} 1');
    expect(text).toContain('hotline_health_warnings{source="other"} 1');
    expect(text).toContain('hotline_health_warnings{source="redis"} 0');
  });
});
