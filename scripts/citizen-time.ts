/**
 * `npm run citizen-time`: seconds from the answer to the report being taken, for a caller
 * who hears every prompt and for one who barges in, computed by the real IVR reducer over
 * the real prompt lengths (sounds/fa/*.wav). `-- --rev <git revision>` takes the prompts
 * of that revision instead (the flow is always this checkout's), to compare before/after.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CITIZEN_SCRIPTS, journey } from '../src/domain/ivr/citizen-time.js';
import { wavDurationSeconds } from '../src/domain/wav.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const revIndex = process.argv.indexOf('--rev');
const rev = revIndex >= 0 ? process.argv[revIndex + 1] : undefined;

function readFromCheckout(rel: string): Buffer {
  return rev
    ? execFileSync('git', ['show', `${rev}:${rel}`], { cwd: ROOT, maxBuffer: 64 << 20 })
    : readFileSync(path.join(ROOT, rel));
}

const manifest = JSON.parse(readFromCheckout('sounds/fa/manifest.json').toString('utf8')) as {
  prompts: { id: string }[];
};
const durations = new Map<string, number>();
for (const { id } of manifest.prompts) {
  durations.set(id, wavDurationSeconds(readFromCheckout(`sounds/fa/${id}.wav`)));
}

const fmt = (s: number): string => s.toFixed(1);
console.log(`prompts of ${rev ?? 'this checkout'}`);
for (const id of ['welcome', 'main-menu', 'category-menu', 'district-prompt', 'after-hours', 'voicebox-intro', 'queue-transfer']) {
  console.log(`  ${id.padEnd(16)} ${fmt(durations.get(id) ?? NaN)} s`);
}
console.log('\n| journey | hears every prompt | barges in at 1.5 s |\n|---|---|---|');
for (const script of CITIZEN_SCRIPTS) {
  const waits = journey(durations, script, 'waits');
  const barges = journey(durations, script, 'barges');
  console.log(`| ${script.name} | ${fmt(waits.seconds)} s | ${fmt(barges.seconds)} s |`);
}
