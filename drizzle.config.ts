import { defineConfig } from 'drizzle-kit';

// Only generates SQL: migrations are applied by the service itself at start
// (src/adapters/db/database.ts), to PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/adapters/db/schema/index.ts',
  out: './migrations',
});
