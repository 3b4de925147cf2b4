import { defineConfig } from 'drizzle-kit';

/**
 * One migration folder per module: DRIZZLE_MODULE=onboarding drizzle-kit generate (npm run db:generate -- onboarding).
 * Each module's tables file(s) are its schema; tables of other modules it references are created by their
 * own (earlier) migrations.
 */
const mod = process.env.DRIZZLE_MODULE ?? 'platform';
export default defineConfig({
  dialect: 'postgresql',
  schema: mod === 'platform' ? './src/platform/*.tables.ts' : `./src/modules/${mod}/*.tables.ts`,
  out: `./migrations/${mod}`,
  casing: undefined,
});
