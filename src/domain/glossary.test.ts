/**
 * The glossary holds on every page under src/web (HTML, scripts, server-rendered pages),
 * every IVR prompt (text and what the voice says) and every text sent to citizens.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GLOSSARY, glossaryViolations } from './glossary.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full, keep);
    return keep(full) ? [full] : [];
  });
}

const PAGES = filesUnder(path.join(ROOT, 'src/web'), (f) => /\.(html|js|ts|css)$/.test(f) && !/\.(test|d)\.ts$/.test(f));
/** What reaches citizens outside the pages: texts, the form's answers, report column names. */
const MESSAGES = ['src/domain/channels/sms.ts', 'src/sms/domain/texts.ts', 'src/adapters/http/routes/public-report.ts', 'src/domain/reports/definitions.ts', 'src/domain/reports/satisfaction.ts', 'src/email/domain/inbound.ts', 'src/email/services/email-intake-service.ts'].map(
  (f) => path.join(ROOT, f),
);

describe('glossary', () => {
  it('finds rejected variants, whatever the diacritics and half-spaces', () => {
    expect(glossaryViolations('ورود ناظر')).toEqual([{ found: 'ناظر', use: 'سرپرست' }]);
    expect(glossaryViolations('شمارهٔ پیگیری')).toEqual([{ found: 'شماره پیگیری', use: 'کد رهگیری' }]);
    expect(glossaryViolations('شماره\u200cی پیگیری')).toEqual([{ found: 'شماره پیگیری', use: 'کد رهگیری' }]);
    expect(glossaryViolations('پیگیری درخواست با کد رهگیری')).toEqual([]);
    expect(glossaryViolations('شماره پیگیریِ شما')).toEqual([{ found: 'شماره پیگیری', use: 'کد رهگیری' }]);
    expect(glossaryViolations('نرخ رها\u200cشده')).toEqual([
      { found: 'رها شده', use: 'رهاشدگی' },
    ]);
    expect(glossaryViolations('کدِ رهگیریِ شما، نرخ رهاشدگی، کارشناس، سرپرست')).toEqual([]);
  });

  it('never lists a chosen term among the rejected ones', () => {
    for (const t of GLOSSARY) for (const other of GLOSSARY) expect(other.rejected).not.toContain(t.term);
  });

  it.each(PAGES.map((f) => [path.relative(ROOT, f), f]))('page %s uses the glossary', (_name, file) => {
    expect(glossaryViolations(readFileSync(file, 'utf8'))).toEqual([]);
  });

  it.each(MESSAGES.map((f) => [path.relative(ROOT, f), f]))('messages in %s use the glossary', (_name, file) => {
    expect(glossaryViolations(readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('every IVR prompt uses the glossary, as written and as spoken', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'sounds/fa/manifest.json'), 'utf8')) as { prompts: { id: string; text: string; speak?: string }[] };
    expect(manifest.prompts.length).toBeGreaterThan(50);
    const bad = manifest.prompts.flatMap((p) => [...glossaryViolations(p.text), ...glossaryViolations(p.speak ?? '')].map((v) => ({ id: p.id, ...v })));
    expect(bad).toEqual([]);
  });
});
