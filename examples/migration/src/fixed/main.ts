/**
 * The fixed migration as a program: `pnpm exec bhsan run src/fixed/main.ts` prints the run and
 * exits with code 0, with no report.
 */
import { describeRun, runMigration } from '../run.js';
import * as fixed from './migration.js';

const s = await runMigration(fixed);
console.log(`migration (fixed): ${describeRun(s)}`);
