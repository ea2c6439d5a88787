/**
 * `npm run build` step, after tsc: the pages under src/web (plain HTML, CSS and browser
 * JavaScript, served as they are) are copied into dist/web, beside what tsc emitted there
 * from src/web's TypeScript (the report page's server side); so is the PGlite thread's
 * plain-JavaScript worker (src/adapters/db/pglite-worker.mjs). Nothing is deleted here:
 * `npm run build` empties dist/ before tsc. TypeScript sources, tests and typings stay behind.
 */
import { copyFileSync, cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../src/web', import.meta.url));
// The build folder (BUILD_DIR, `dist` by default), relative to the repository.
const out = path.resolve(fileURLToPath(new URL('..', import.meta.url)), process.argv[2] ?? 'dist');
const to = path.join(out, 'web');

cpSync(from, to, {
  recursive: true,
  filter: (source) => !source.endsWith('.ts'),
});
console.log(`copied ${from} → ${to}`);

const worker = fileURLToPath(new URL('../src/adapters/db/pglite-worker.mjs', import.meta.url));
copyFileSync(worker, path.join(out, 'adapters', 'db', 'pglite-worker.mjs'));
console.log(`copied ${worker} → ${path.join(out, 'adapters', 'db')}`);
