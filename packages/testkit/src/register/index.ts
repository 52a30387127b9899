/**
 * `@bhsan/testkit/register`: load with `node --import @bhsan/testkit/register app.js` (or through
 * NODE_OPTIONS) for a LeakSanitizer-style report and exit code when bottom halves leak.
 */
import { writeSync } from 'node:fs';
import { BhsanError } from '@bhsan/runtime';
import { installExitHook } from './exit-hook.js';

try {
  installExitHook();
} catch (error) {
  // A bad option or suppressions file is a usage error: one line, exit 2, the program never runs.
  if (!(error instanceof BhsanError)) throw error;
  writeSync(2, `bhsan: ${error.message}\n`);
  process.exit(2);
}

export { collectSynchronously, installExitHook, type ExitHookSetup } from './exit-hook.js';
