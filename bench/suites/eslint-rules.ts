/**
 * Suite (5): the bhsan lint rules' share of ESLint's time on a generated TypeScript corpus. ESLint
 * runs as a user would (its CLI, flat config: @eslint/js and typescript-eslint recommended, plus
 * or minus bhsan's recommended config), with TIMING=all; its rule timing table is parsed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plantedLeaks, writeLintCorpus } from '../generate/lint-corpus.js';
import { measureInterleaved } from '../lib/measure.js';
import { requireBuilt } from '../lib/packages.js';
import { makeWorkDir, removeWorkDir, runNode, tail, toolPath } from '../lib/process.js';
import {
  find,
  SuiteSkipped,
  withRatio,
  type Measurement,
  type SuiteOptions,
  type SuiteOutput,
} from '../lib/results.js';

/** One row of ESLint's TIMING table. */
export interface RuleTiming {
  readonly rule: string;
  readonly ms: number;
}

/**
 * Parse ESLint's TIMING table (`Rule | Time (ms) | Relative` rows) from a process's stdout.
 * Who may call: this suite and its test.
 */
export function parseTimingTable(stdout: string): RuleTiming[] {
  const rows: RuleTiming[] = [];
  let inTable = false;
  for (const line of stdout.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells[0] === 'Rule' && cells[1] === 'Time (ms)') {
      inTable = true;
      continue;
    }
    if (!inTable || cells.length !== 3 || cells[0]?.startsWith(':') === true) {
      continue;
    }
    const ms = Number(cells[1]);
    if (cells[0] !== undefined && cells[0] !== '' && Number.isFinite(ms)) {
      rows.push({ rule: cells[0], ms });
    }
  }
  return rows;
}

const configs = { with: 'eslint.with-bhsan.config.js', without: 'eslint.without.config.js' };

function writeConfigs(dir: string): void {
  const base = `import js from '@eslint/js';
import tseslint from 'typescript-eslint';
`;
  writeFileSync(
    join(dir, configs.without),
    `${base}\nexport default [js.configs.recommended, ...tseslint.configs.recommended];\n`,
  );
  writeFileSync(
    join(dir, configs.with),
    `${base}import bhsan from '@bhsan/eslint-plugin';

export default [
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...[bhsan.configs.recommended].flat(),
];
`,
  );
}

interface LintRun {
  readonly timings: RuleTiming[];
  readonly findings: number;
}

/** One ESLint CLI run over dir/src with `config`; exit 0 or 1 (findings) is success. */
async function lint(dir: string, config: string, bhsanRules: readonly string[]): Promise<LintRun> {
  const out = join(dir, `${config}.json`);
  const result = await runNode(
    [
      toolPath('eslint', 'bin', 'eslint.js'),
      '--config',
      config,
      '--format',
      'json',
      '--output-file',
      out,
      'src',
    ],
    dir,
    { TIMING: 'all' },
  );
  if (result.code !== 0 && result.code !== 1) {
    throw new Error(`eslint --config ${config} exited ${result.code}:\n${tail(result)}`);
  }
  const files = JSON.parse(readFileSync(out, 'utf8')) as Array<{
    messages: Array<{ ruleId: string | null; fatal?: boolean; message: string }>;
  }>;
  const fatal = files.flatMap((f) => f.messages).find((m) => m.fatal === true);
  if (fatal !== undefined) {
    throw new Error(`eslint could not parse the corpus: ${fatal.message}`);
  }
  const findings = files
    .flatMap((f) => f.messages)
    .filter((m) => m.ruleId !== null && bhsanRules.includes(m.ruleId)).length;
  return { timings: parseTimingTable(result.stdout), findings };
}

export async function run(options: SuiteOptions): Promise<SuiteOutput> {
  const entry = requireBuilt('eslint-plugin', 'dist/index.js');
  const module = (await import(entry)) as PluginModule;
  const bhsanRules = recommendedRules((module.default ?? module).configs?.recommended);

  const fileCount = options.quick ? 40 : 400;
  const dir = makeWorkDir('eslint', ['@eslint/js', 'typescript-eslint', '@bhsan/eslint-plugin']);
  try {
    const lines = writeLintCorpus(dir, fileCount);
    writeConfigs(dir);
    options.progress(`corpus: ${fileCount} files, ${lines} lines`);

    const runs: LintRun[] = [];
    const walls = await measureInterleaved(
      [
        {
          id: 'wall.without',
          label: `eslint, ${fileCount} files / ${lines} lines, without bhsan`,
          perCall: 1,
          unit: 'ms/run',
          async: true,
          fn: async () => {
            await lint(dir, configs.without, bhsanRules);
          },
        },
        {
          id: 'wall.with',
          label: `eslint, ${fileCount} files / ${lines} lines, with bhsan recommended`,
          perCall: 1,
          unit: 'ms/run',
          async: true,
          fn: async () => {
            runs.push(await lint(dir, configs.with, bhsanRules));
          },
        },
      ],
      options.quick ? 1 : 3,
      0,
    );
    return {
      measurements: shares(walls, runs, bhsanRules),
      notes: [
        `bhsan rules: ${bhsanRules.join(', ')}; ${runs[0]?.findings ?? 0} findings ` +
          `(${plantedLeaks(fileCount)} leaks planted)`,
        'rule times from TIMING=all, median over the runs with bhsan; wall = whole CLI process, ' +
          'median of interleaved runs with and without bhsan',
      ],
    };
  } finally {
    removeWorkDir(dir);
  }
}

interface PluginModule {
  readonly default?: PluginModule;
  readonly configs?: Record<string, unknown>;
}

/** The rule ids a recommended config turns on; skips the suite if there is none. */
function recommendedRules(config: unknown): string[] {
  const list = [config].flat() as Array<{ rules?: Record<string, unknown> } | undefined>;
  const rules = list.flatMap((c) => Object.keys(c?.rules ?? {}));
  if (rules.length === 0) {
    throw new SuiteSkipped('@bhsan/eslint-plugin has no configs.recommended with rules');
  }
  return rules;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function shares(walls: Measurement[], runs: readonly LintRun[], bhsanRules: readonly string[]) {
  const bhsanMs = median(
    runs.map((r) =>
      r.timings.filter((t) => bhsanRules.includes(t.rule)).reduce((s, t) => s + t.ms, 0),
    ),
  );
  const allMs = median(runs.map((r) => r.timings.reduce((s, t) => s + t.ms, 0)));
  const wallWith = find(walls, 'wall.with');
  if (wallWith === undefined || runs.some((r) => r.timings.length === 0)) {
    throw new Error('eslint printed no TIMING table');
  }
  const out: Measurement[] = [
    ...walls,
    { id: 'rules.all', label: 'all rules (TIMING sum)', value: allMs, unit: 'ms' },
    { id: 'rules.bhsan', label: 'bhsan rules (TIMING sum)', value: bhsanMs, unit: 'ms' },
    {
      id: 'share.wall',
      label: "bhsan rules' share of the ESLint run's wall time",
      value: (100 * bhsanMs) / wallWith.value,
      unit: '%',
    },
  ];
  withRatio(out, 'wall.with', 'wall.without');
  withRatio(out, 'rules.bhsan', 'rules.all');
  return out;
}
