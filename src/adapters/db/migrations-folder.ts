import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repo's migrations/ folder, found by walking up from this module: the same code
 * runs from src/ (tsx, tests) and from dist/ (build, Docker image), at different depths.
 */
export function findMigrationsFolder(from: string = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(from));
  for (;;) {
    const candidate = path.join(dir, 'migrations');
    if (existsSync(path.join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no migrations/meta/_journal.json above ${fileURLToPath(from)}`);
    dir = parent;
  }
}
