import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Node options the Dockerfile's CMD starts the engine with (its memory settings), read
 * from the Dockerfile itself: the benchmark and the production-build test then run the
 * engine as it ships, not as someone remembered it.
 */
export function productionNodeArgs(repo: string): string[] {
  const dockerfile = readFileSync(path.join(repo, 'Dockerfile'), 'utf8');
  const line = dockerfile.split('\n').find((l) => /^CMD\s*\[/.test(l));
  if (!line) throw new Error('the Dockerfile has no CMD ["node", …, "dist/main.js"] line');
  const cmd = JSON.parse(line.replace(/^CMD\s*/, '')) as string[];
  if (cmd[0] !== 'node' || cmd.at(-1) !== 'dist/main.js') throw new Error(`unexpected Dockerfile CMD: ${line}`);
  return cmd.slice(1, -1);
}

/**
 * The allocator settings (`ENV MALLOC_…=…` lines) the Dockerfile starts the engine with:
 * glibc reads them at process start, so whoever starts the engine as it ships passes them.
 */
export function productionAllocatorEnv(repo: string): Record<string, string> {
  const dockerfile = readFileSync(path.join(repo, 'Dockerfile'), 'utf8');
  const env: Record<string, string> = {};
  for (const line of dockerfile.split('\n')) {
    const match = /^ENV\s+(MALLOC_[A-Z_]+)=(\S+)\s*$/.exec(line);
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}
