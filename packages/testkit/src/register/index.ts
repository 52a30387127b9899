/**
 * `@bhsan/testkit/register`: load with `node --import @bhsan/testkit/register app.js` (or through
 * NODE_OPTIONS) for a LeakSanitizer-style report and exit code when bottom halves leak.
 */
import { installExitHook } from './exit-hook.js';

installExitHook();

export { collectSynchronously, installExitHook, type ExitHookSetup } from './exit-hook.js';
