/**
 * `npm run districts:import file.geojson`: checks the file whole (nothing is stored if
 * any feature is wrong) and stores district and unit outlines in one transaction.
 * Loading the same file again changes nothing.
 */
import { readFile } from 'node:fs/promises';
import type { BoundaryRepo } from '../../domain/cases/ports.js';
import { parseBoundaries } from '../../domain/geo/boundaries.js';
import { isHotlineError } from '../../domain/errors.js';

export type ImportOutcome =
  | { ok: true; districts: number; units: number; unitsCreated: number }
  | { ok: false; errors: string[] };

export async function importBoundaries(file: string, repo: Pick<BoundaryRepo, 'save'>): Promise<ImportOutcome> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, errors: [`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`] };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`${file} is not JSON: ${(err as Error).message}`] };
  }
  const parsed = parseBoundaries(doc);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, ...(await repo.save(parsed.boundaries)) };
  } catch (err) {
    if (isHotlineError(err) && err.code === 'HOTLINE_ERR_VALIDATION') return { ok: false, errors: [err.message] };
    throw err;
  }
}
