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
});
