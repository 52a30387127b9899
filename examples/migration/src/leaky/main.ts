/**
 * The leaky migration as a program: `pnpm exec bhsan run src/leaky/main.ts` prints the run, then
 * bhsan's report of the cleanup BH that the resume overwrote, and exits with code 23.
 */
import { describeRun, runMigration } from '../run.js';
import * as leaky from './migration.js';

const s = await runMigration(leaky);
console.log(`migration (leaky): ${describeRun(s)}`);
