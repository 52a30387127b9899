/**
 * The leaky shutdown as a program: `pnpm exec bhsan run src/leaky/main.ts` prints what finalize
 * threw, then bhsan's report of the `completeRequest` oneshot left in the stopped context, and
 * exits with code 23.
 */
import { runIOThread } from '../run.js';
import { shutdown } from './shutdown.js';

const result = await runIOThread(shutdown);
const completed = result.completions.map(([id, on]) => `#${id} on ${on || '(never ran)'}`);
console.log(`iothread (leaky): requests ${completed.join(', ')}`);
if (result.shutdownError instanceof Error) {
  console.log(`shutdown failed: ${result.shutdownError.message}`);
}
