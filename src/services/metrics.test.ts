import { describe, expect, it } from 'vitest';
import { renderMetrics } from './metrics.js';

describe('the Prometheus exposition', () => {
  it('writes HELP and TYPE before each family, ends with a newline, and escapes label values', () => {
    const text = renderMetrics({
      stats: null,
      connections: { ari: true, ami: true },
      jobs: { 'odd"queue\\name': { waiting: 2 }, down: null },
    });
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      '# HELP hotline_asterisk_connection_up Whether the engine is connected to Asterisk (1) or not (0).',
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
      connections: { ari: false, ami: false },
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
