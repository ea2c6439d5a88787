import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The service's standard output is written in batches (src/adapters/log/logger.ts): no
 * line may be lost for it. A child process logs through the real logger and the test
 * reads its standard output as an operator's log collector would.
 */
const SCRIPT = `
import { createLogger } from './src/adapters/log/logger.ts';
const log = createLogger('info');
const mode = process.argv[1];
const busy = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };
if (mode === 'exit') {
  for (let i = 0; i < 50; i++) log.info({ i }, 'line');
  process.exit(3);
}
if (mode === 'throw') {
  log.info('before the crash');
  setImmediate(() => { throw new Error('crash'); });
}
if (mode === 'idle') {
  log.info('alone');
  // Kept alive until the test has read the line, then ended by a signal.
  setInterval(() => undefined, 1000);
}
if (mode === 'error') {
  log.info('context');
  log.error('failure');
  // The event loop is held: only a write issued at once reaches the output meanwhile.
  setImmediate(() => { busy(1500); process.stderr.write('released\\n'); process.exit(0); });
}
`;

interface Run {
  /** Each chunk of standard output and standard error as it arrived, in order. */
  chunks: { stream: 'out' | 'err'; text: string }[];
  lines(): { msg: string; level: number }[];
  code: Promise<number | null>;
  kill(): void;
  /** Resolves when a line with this message has been read. */
  sees(msg: string): Promise<void>;
}

function run(mode: string): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, mode], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Run['chunks'] = [];
  const waiters: (() => void)[] = [];
  const out = (stream: 'out' | 'err') => (data: Buffer) => {
    chunks.push({ stream, text: data.toString() });
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout.on('data', out('out'));
  child.stderr.on('data', out('err'));
  const lines = () =>
    chunks
      .filter((c) => c.stream === 'out')
      .map((c) => c.text)
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; level: number });
  return {
    chunks,
    lines,
    code: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    kill: () => child.kill('SIGKILL'),
    async sees(msg) {
      while (!lines().some((l) => l.msg === msg)) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

describe('the service log on standard output', () => {
  it('writes every line gathered so far when the process exits', async () => {
    const child = run('exit');
    expect(await child.code).toBe(3);
    expect(child.lines().map((l) => l.msg)).toEqual(Array(50).fill('line'));
  });

  it('writes the lines before an uncaught error ends the process', async () => {
    const child = run('throw');
    expect(await child.code).not.toBe(0);
    expect(child.lines().map((l) => l.msg)).toEqual(['before the crash']);
  });

  it('writes a lone line while the process goes on (no exit needed)', async () => {
    const child = run('idle');
    await child.sees('alone');
    child.kill();
    await child.code;
  });

  it('writes an error line at once, with the lines before it', async () => {
    const child = run('error');
    expect(await child.code).toBe(0);
    const errorAt = child.chunks.findIndex((c) => c.stream === 'out' && c.text.includes('"failure"'));
    const releasedAt = child.chunks.findIndex((c) => c.stream === 'err' && c.text.includes('released'));
    expect(errorAt).toBeGreaterThanOrEqual(0);
    expect(errorAt).toBeLessThan(releasedAt);
    expect(child.lines().map((l) => [l.level, l.msg])).toEqual([
      [30, 'context'],
      [50, 'failure'],
    ]);
  });
});
