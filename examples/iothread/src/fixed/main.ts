/** The fixed shutdown as a program: `pnpm exec bhsan run src/fixed/main.ts` exits 0, no report. */
import { runIOThread } from '../run.js';
import { shutdown } from './shutdown.js';

const result = await runIOThread(shutdown);
const completed = result.completions.map(([id, on]) => `#${id} on ${on || '(never ran)'}`);
console.log(`iothread (fixed): requests ${completed.join(', ')}`);
if (result.shutdownError !== undefined) throw result.shutdownError;
