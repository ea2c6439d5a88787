/**
 * npm run districts:import <file.geojson>
 * Loads district and unit boundaries (GeoJSON FeatureCollection, WGS 84; each feature's
 * properties name its `district` (1-22) and, for a unit inside it, `unit` and `name`)
 * into the database of this checkout's .env (DATABASE_URL, or PGlite in DATA_DIR).
 */
import 'dotenv/config';
import path from 'node:path';
import { openDatabase } from '../src/adapters/db/database.js';
import { createBoundaryRepo } from '../src/adapters/db/unit-repo.js';
import { importBoundaries } from '../src/adapters/geo/import-boundaries.js';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run districts:import <file.geojson>');
    return 2;
  }
  const url = process.env.DATABASE_URL?.trim() || undefined;
  const database = await openDatabase(url ? { url } : { pgliteDir: path.join(path.resolve(process.env.DATA_DIR?.trim() || './data'), 'pglite') });
  try {
    const outcome = await importBoundaries(file, createBoundaryRepo(database.db));
    if (!outcome.ok) {
      console.error(`${file}: nothing imported`);
      for (const e of outcome.errors) console.error(`  ${e}`);
      return 1;
    }
    console.log(`${file}: ${outcome.districts} district and ${outcome.units} unit boundaries stored (${outcome.unitsCreated} new units)`);
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
