/**
 * `npm run build` step: tsc emits only TypeScript, so the pages under src/web (plain
 * HTML, CSS and browser JavaScript, served as they are) are copied to dist/web, where
 * the built server looks for them. Their unit tests and typings stay behind.
 */
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../src/web', import.meta.url));
const to = fileURLToPath(new URL('../dist/web', import.meta.url));

rmSync(to, { recursive: true, force: true });
cpSync(from, to, {
  recursive: true,
  filter: (source) => !source.endsWith('.test.ts') && !source.endsWith('.d.ts'),
});
console.log(`copied ${from} → ${to}`);
