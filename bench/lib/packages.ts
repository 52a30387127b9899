/**
 * Loading the workspace packages the suites measure. A package that is not built, or that lacks
 * what a suite needs, makes that suite skip with the reason; nothing is ever stood in for it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SuiteSkipped } from './results.js';

/** The repository root (bench/lib/../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Throws SuiteSkipped unless `packages/<dir>/<file>` exists. Who may call: suites. */
export function requireBuilt(dir: string, file: string): string {
  const path = join(repoRoot, 'packages', dir, file);
  if (!existsSync(path)) {
    throw new SuiteSkipped(`packages/${dir}/${file} is not built (missing)`);
  }
  return path;
}

/** Throws SuiteSkipped naming every export of `module` in `names` that is missing. */
export function requireExports(
  moduleName: string,
  module: Record<string, unknown>,
  names: readonly string[],
): void {
  const missing = names.filter((name) => module[name] === undefined);
  if (missing.length > 0) {
    throw new SuiteSkipped(`${moduleName} does not export ${missing.join(', ')} yet`);
  }
}

/** The runtime's main entry, checked for what the suites use. Who may call: suites. */
export async function loadRuntime(): Promise<typeof import('@bhsan/runtime')> {
  requireBuilt('runtime', 'dist/index.js');
  const runtime = await import('@bhsan/runtime');
  requireExports('@bhsan/runtime', runtime, ['AioContext', 'tracker']);
  return runtime;
}
