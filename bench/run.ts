/**
 * `pnpm bench`: runs every suite in bench/suites, each in its own Node process, prints one table
 * and writes bench/results.json. Usage: `tsx bench/run.ts [--quick] [--only poll,dispatch]
 * [--out file] [--verbose]`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './lib/packages.js';
import type { BenchResults, SuiteResult } from './lib/results.js';
import { renderResults } from './lib/table.js';
import { suites, type SuiteEntry } from './suites/index.js';

const usage = `usage: tsx bench/run.ts [options]   (pnpm bench [options])
  --quick    short smoke run; figures are noisier
  --only     run only these suites: ${suites.map((s) => s.id).join(', ')}
  --out      where to write the JSON results (default bench/results.json)
  --verbose  print each suite's progress
  --readme   also put the table under "Latest results" in bench/README.md`;

function options() {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        out: { type: 'string', default: join(repoRoot, 'bench', 'results.json') },
        verbose: { type: 'boolean', default: false },
        readme: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${usage}\n`);
    process.exit(2);
  }
}

const args = options();
if (args.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

function selected(): readonly SuiteEntry[] {
  if (args.only === undefined) {
    return suites;
  }
  const ids = args.only.split(',').map((s) => s.trim());
  const unknown = ids.filter((id) => !suites.some((s) => s.id === id));
  if (unknown.length > 0) {
    process.stderr.write(`bench: --only names unknown suite(s) ${unknown.join(', ')}\n${usage}\n`);
    process.exit(2);
  }
  return suites.filter((s) => ids.includes(s.id));
}

/** Longest a suite may run before it is stopped and reported as failed. */
const suiteTimeoutMs = args.quick ? 60_000 : 150_000;

/** Run one suite in a child process; resolves with its result, never rejects. */
function runChild(entry: SuiteEntry, dir: string): Promise<SuiteResult> {
  const out = join(dir, `${entry.id}.json`);
  const childArgs = [
    '--expose-gc',
    '--max-old-space-size=4096',
    '--import',
    'tsx',
    join(repoRoot, 'bench', 'lib', 'child.ts'),
    entry.id,
    out,
    ...(args.quick ? ['--quick'] : []),
    ...(args.verbose ? ['--verbose'] : []),
  ];
  const started = performance.now();

  return new Promise((resolve) => {
    const child = spawn(process.execPath, childArgs, {
      cwd: repoRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), suiteTimeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      try {
        resolve(JSON.parse(readFileSync(out, 'utf8')) as SuiteResult);
      } catch {
        const why =
          signal === 'SIGKILL'
            ? `stopped after ${suiteTimeoutMs / 1000} s`
            : `its process exited with ${signal ?? code} before writing a result`;
        resolve({ ...failed(entry, why), seconds });
      }
    });
  });
}

function failed(entry: SuiteEntry, reason: string): SuiteResult {
  return {
    id: entry.id,
    title: entry.title,
    status: 'failed',
    reason,
    measurements: [],
    claims: [],
    notes: [],
    seconds: 0,
  };
}

const started = performance.now();
const loadAtStart = os.loadavg()[0] ?? 0;
const dir = mkdtempSync(join(os.tmpdir(), 'bhsan-bench-'));
const results: SuiteResult[] = [];
try {
  for (const entry of selected()) {
    process.stderr.write(`bench: ${entry.id} …\n`);
    const result = await runChild(entry, dir);
    process.stderr.write(`bench: ${entry.id} ${result.status} (${result.seconds.toFixed(1)} s)\n`);
    results.push(result);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const cpus = os.cpus();
const report: BenchResults = {
  schema: 'bhsan-bench/1',
  date: new Date().toISOString(),
  mode: args.quick ? 'quick' : 'full',
  machine: {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryMB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: [loadAtStart, os.loadavg()[0] ?? 0],
  },
  seconds: (performance.now() - started) / 1000,
  suites: results,
};
const table = renderResults(report);
writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`\n${table}\n\nwrote ${relative(process.cwd(), args.out)}\n`);
if (args.readme) {
  updateReadme(table);
}

/** Replace everything after the "Latest results" heading of bench/README.md with `table`. */
function updateReadme(text: string): void {
  const path = join(repoRoot, 'bench', 'README.md');
  const readme = readFileSync(path, 'utf8');
  const heading = '## Latest results\n';
  const at = readme.indexOf(heading);
  if (at < 0) {
    throw new Error(`bench: ${path} has no "${heading.trim()}" heading to write under`);
  }
  const command = `pnpm bench${args.quick ? ' --quick' : ''}`;
  writeFileSync(
    path,
    `${readme.slice(0, at + heading.length)}\nFrom \`${command}\`:\n\n` +
      `\`\`\`text\n${text}\n\`\`\`\n`,
  );
  process.stdout.write(`updated ${relative(process.cwd(), path)}\n`);
}
process.exitCode = results.some((r) => r.status === 'failed') ? 1 : 0;
