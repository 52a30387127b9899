/**
 * `pnpm demo`: bhsan catching the leaks of the examples three ways — in the editor (ESLint), at
 * process exit (`bhsan run`) and in tests (the Vitest plugin) — next to the fixed code staying
 * clean, then the block-device workload's poll statistics. Every step is a child process whose
 * exit code and output are checked against what it must show; the demo exits 0 only if each
 * expected finding appeared and each fixed variant was clean.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import pc from 'picocolors';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** One checked step: what ran, where, and what it must show. */
interface Step {
  /** Shown in the summary: where the finding (or the clean result) comes from. */
  readonly label: string;
  /** The example directory it runs in. */
  readonly example: 'migration' | 'iothread' | 'block-device';
  /** A tool from the example's node_modules/.bin, and its arguments. */
  readonly tool: 'eslint' | 'bhsan' | 'vitest';
  readonly args: readonly string[];
  /** The exit code it must end with. */
  readonly exitCode: number;
  /** Text the output must contain (for a finding: the leaked BH's name). */
  readonly mustShow: readonly string[];
  /** Which part of the output to print. */
  readonly show: (stdout: string, stderr: string) => string;
}

/** What a step did, for the summary. */
interface Outcome {
  readonly step: Step;
  readonly ok: boolean;
  readonly problem: string;
  readonly ms: number;
}

const all = (stdout: string, stderr: string): string => `${stdout}${stderr}`;

/** ESLint's findings without the blank lines and the closing count. */
const eslintFindings = (stdout: string): string =>
  stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('✖'))
    .map((line) => line.replace(`${root}/`, ''))
    .join('\n');

/** A failing Vitest run: the failed test and its report, then the counts. */
function vitestFailure(stdout: string, stderr: string): string {
  const lines = `${stdout}\n${stderr}`.split('\n');
  const start = lines.findIndex((line) => line.includes(' FAIL '));
  const end = lines.findIndex((line, i) => i > start && line.startsWith('SUMMARY: BHSanitizer'));
  const block = start === -1 || end === -1 ? [] : lines.slice(start, end + 1);
  return [...block, ...vitestCounts(lines)].filter((line) => line.trim() !== '').join('\n');
}

/** A Vitest run's file and test counts. */
function vitestCounts(lines: readonly string[]): string[] {
  return lines.filter((line) => /^\s+(Test Files|Tests)\s/.test(line)).map((l) => l.trim());
}

const steps: readonly Step[] = [
  {
    label: 'ESLint, leaky migration: the store that overwrites s.cleanupBh',
    example: 'migration',
    tool: 'eslint',
    args: ['--no-ignore', 'src/leaky'],
    exitCode: 1,
    mustShow: ['@bhsan/no-leaked-bh', 'may overwrite a bottom half that is still live'],
    show: eslintFindings,
  },
  {
    label: 'ESLint, leaky hot-plug: the early return that loses notifyBh',
    example: 'block-device',
    tool: 'eslint',
    args: ['--no-ignore', 'src/leaky/plug.ts'],
    exitCode: 1,
    mustShow: ['@bhsan/no-leaked-bh', 'before this `return` leaves the function'],
    show: eslintFindings,
  },
  ...(['migration', 'block-device'] as const).map((example): Step => ({
    label: `ESLint, fixed ${example === 'migration' ? 'migration' : 'hot-plug'}: no finding`,
    example,
    tool: 'eslint',
    args: ['src/fixed'],
    exitCode: 0,
    mustShow: [],
    show: eslintFindings,
  })),
  {
    label: "bhsan run, leaky migration: direct leak of 'migrateCleanup'",
    example: 'migration',
    tool: 'bhsan',
    args: ['run', 'src/leaky/main.ts'],
    exitCode: 23,
    mustShow: ["Direct leak of 1 BH(s) 'migrateCleanup'", 'in connect src/leaky/migration.ts:'],
    show: all,
  },
  {
    label: 'bhsan run, fixed migration',
    example: 'migration',
    tool: 'bhsan',
    args: ['run', 'src/fixed/main.ts'],
    exitCode: 0,
    mustShow: ['migration (fixed)'],
    show: all,
  },
  {
    label: "bhsan run, leaky iothread: 'completeRequest' left at finalize",
    example: 'iothread',
    tool: 'bhsan',
    args: ['run', 'src/leaky/main.ts'],
    exitCode: 23,
    mustShow: ["Undeleted-at-finalize leak of 1 BH(s) 'completeRequest'"],
    show: all,
  },
  {
    label: 'bhsan run, fixed iothread',
    example: 'iothread',
    tool: 'bhsan',
    args: ['run', 'src/fixed/main.ts'],
    exitCode: 0,
    mustShow: ['iothread (fixed)'],
    show: all,
  },
  {
    label: "bhsan run, leaky hot-plug: direct leak of 'notifyGuest'",
    example: 'block-device',
    tool: 'bhsan',
    args: ['run', 'src/leaky/main.ts'],
    exitCode: 23,
    mustShow: ["Direct leak of 1 BH(s) 'notifyGuest'", 'in plugDevice src/leaky/plug.ts:'],
    show: all,
  },
  {
    label: 'bhsan run, fixed hot-plug',
    example: 'block-device',
    tool: 'bhsan',
    args: ['run', 'src/fixed/main.ts'],
    exitCode: 0,
    mustShow: ['hot-plug disk1 failed'],
    show: all,
  },
  {
    label: "Vitest + bhsan plugin, leaky migration test fails: 'migrateCleanup'",
    example: 'migration',
    tool: 'vitest',
    args: ['run', '-c', 'vitest.leaky.config.ts'],
    exitCode: 1,
    mustShow: ['BhLeakError', "'migrateCleanup'", 'Tests  1 failed | 1 passed'],
    show: vitestFailure,
  },
  {
    label: "Vitest + bhsan plugin, leaky iothread test fails: 'completeRequest'",
    example: 'iothread',
    tool: 'vitest',
    args: ['run', '-c', 'vitest.leaky.config.ts'],
    exitCode: 1,
    mustShow: ['BhLeakError', "'completeRequest'", 'Tests  1 failed | 1 passed'],
    show: vitestFailure,
  },
  ...(['migration', 'iothread', 'block-device'] as const).map((example): Step => ({
    label: `Vitest + bhsan plugin (strict), fixed ${example} suite`,
    example,
    tool: 'vitest',
    args: ['run', example === 'block-device' ? 'test/workload.test.ts' : 'test/fixed.test.ts'],
    exitCode: 0,
    mustShow: ['passed'],
    show: (stdout, stderr) => vitestCounts(`${stdout}\n${stderr}`.split('\n')).join('\n'),
  })),
  {
    label: 'block-device workload under bhsan run: poll statistics, no leak',
    example: 'block-device',
    tool: 'bhsan',
    args: ['run', 'src/main.ts'],
    exitCode: 0,
    mustShow: ['3170 queues, 4 busy', 'context finalized clean'],
    show: all,
  },
];

const sections: ReadonlyArray<readonly [string, (step: Step) => boolean]> = [
  ['1. In the editor: ESLint with @bhsan/eslint-plugin', (s) => s.tool === 'eslint'],
  ['2. At process exit: `bhsan run`', (s) => s.tool === 'bhsan' && !s.args.includes('src/main.ts')],
  ['3. In tests: Vitest with the bhsan plugin', (s) => s.tool === 'vitest'],
  ['4. The O(1) poll: block-device workload', (s) => s.args.includes('src/main.ts')],
];

/** Runs one step with colours off and bhsan's defaults; returns its outcome. Prints as it goes. */
function run(step: Step): Outcome {
  const cwd = join(root, 'examples', step.example);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', NODE_OPTIONS: '' };
  delete env.FORCE_COLOR;
  delete env.BHSAN_OPTIONS;

  console.log(`\n${pc.bold(step.label)}`);
  // Pasteable from the repository root: the subshell keeps the caller's directory.
  const command = `pnpm exec ${step.tool} ${step.args.join(' ')}`;
  console.log(pc.dim(`  $ (cd examples/${step.example} && ${command})`));
  const started = performance.now();
  const result = spawnSync(join(cwd, 'node_modules/.bin', step.tool), step.args, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 90_000,
  });
  const ms = Math.round(performance.now() - started);

  const shown = step.show(result.stdout ?? '', result.stderr ?? '').trimEnd();
  if (shown !== '') console.log(shown.replace(/^/gm, '  '));

  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const missing = step.mustShow.filter((text) => !output.includes(text));
  let problem = '';
  if (result.error !== undefined) problem = `could not run: ${result.error.message}`;
  else if (result.status !== step.exitCode) {
    problem = `exit code ${String(result.status)}, expected ${step.exitCode}`;
  } else if (missing.length > 0) problem = `output lacks ${JSON.stringify(missing[0])}`;
  if (problem !== '' && shown === '') console.log(output.replace(/^/gm, '  '));

  const verdict = problem === '' ? pc.green(`✔ exit ${step.exitCode} as expected`) : '';
  console.log(`  ${verdict || pc.red(`✘ ${problem}`)} ${pc.dim(`(${ms} ms)`)}`);
  return { step, ok: problem === '', problem, ms };
}

function main(): number {
  const started = performance.now();
  console.log(
    pc.bold(pc.cyan('bhsan demo: bottom-half leaks caught in the editor, at exit, in tests')),
  );

  // The examples and tools use the packages' built entry points; the build's own output is shown
  // only when it fails.
  const build = spawnSync('pnpm', ['build'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) {
    process.stdout.write(build.stdout ?? '');
    process.stderr.write(build.stderr ?? '');
    console.log(pc.red(`✘ pnpm build failed (exit ${String(build.status)})`));
    return 1;
  }
  console.log(pc.dim(`built the packages in ${Math.round(performance.now() - started)} ms`));

  const outcomes: Outcome[] = [];
  for (const [title, belongs] of sections) {
    console.log(`\n${pc.bold(pc.cyan(`── ${title} `.padEnd(80, '─')))}`);
    for (const step of steps.filter(belongs)) outcomes.push(run(step));
  }

  console.log(`\n${pc.bold(pc.cyan('── Summary '.padEnd(80, '─')))}`);
  for (const { step, ok, problem } of outcomes) {
    const finding = step.exitCode !== 0;
    if (ok) {
      console.log(`  ${pc.green('✔')} ${finding ? 'found' : 'clean'} ${step.label}`);
    } else {
      const verdict = finding ? 'missing:' : 'not clean:';
      console.log(`  ${pc.red(`✘ ${verdict} ${step.label} — ${problem}`)}`);
    }
  }
  const failed = outcomes.filter((o) => !o.ok).length;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const findings = outcomes.filter((o) => o.ok && o.step.exitCode !== 0).length;
  const clean = outcomes.filter((o) => o.ok && o.step.exitCode === 0).length;
  console.log(
    failed === 0
      ? pc.green(
          `\nAll ${findings} expected findings appeared; all ${clean} fixed runs were clean.`,
        )
      : pc.red(`\n${failed} of ${outcomes.length} checks did not go as expected.`),
  );
  console.log(pc.dim(`(${seconds} s)`));
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
