/**
 * Runs one suite in this process and writes its SuiteResult as JSON to a file.
 * Who may call: bench/run.ts, as `node --expose-gc --import tsx bench/lib/child.ts <id> <out>`.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { suites } from '../suites/index.js';
import { SuiteSkipped, type SuiteResult } from './results.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { quick: { type: 'boolean', default: false }, verbose: { type: 'boolean' } },
});
const [id, out] = positionals;
const entry = suites.find((s) => s.id === id);
if (entry === undefined || out === undefined) {
  throw new Error(`usage: child.ts <suite id> <output file>; got '${positionals.join(' ')}'`);
}

// tsx turns source maps on, which makes every stack the tracker captures costlier to format than
// in a plain `node` run of built code; the suites measure built code, so they run without them.
process.setSourceMapsEnabled(false);

const started = performance.now();
const progress = values.verbose
  ? (line: string) => process.stderr.write(`    [${entry.id}] ${line}\n`)
  : () => {};
let result: SuiteResult;
try {
  const output = await entry.run({ quick: values.quick, progress });
  result = {
    id: entry.id,
    title: entry.title,
    status: 'ok',
    measurements: output.measurements,
    claims: output.claims ?? [],
    notes: output.notes ?? [],
    seconds: (performance.now() - started) / 1000,
  };
} catch (error) {
  const skipped = error instanceof SuiteSkipped;
  if (!skipped) {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  }
  result = {
    id: entry.id,
    title: entry.title,
    status: skipped ? 'skipped' : 'failed',
    reason: skipped ? error.reason : error instanceof Error ? error.message : String(error),
    measurements: [],
    claims: [],
    notes: [],
    seconds: (performance.now() - started) / 1000,
  };
}
writeFileSync(out, JSON.stringify(result));
