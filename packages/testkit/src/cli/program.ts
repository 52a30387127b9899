/**
 * The `bhsan` command:
 * - `bhsan run [--] <command...>` runs a command with the exit-time leak check in every Node
 *   process it starts (through NODE_OPTIONS), and TypeScript entry points through tsx;
 * - `bhsan report <file.json>` renders a saved JSON report as text.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { BhsanError } from '@bhsan/runtime';
import { Command } from 'commander';
import { parseBhsanOptions, type BhsanOptions } from '../options/index.js';
import { leakedCount } from '../report/build.js';
import { reportText } from '../report/render.js';
import { parseReportJson } from '../report/schema.js';
import { useColor } from '../register/exit-hook.js';
import { loadSuppressions } from '../suppressions/index.js';

/** A file the command was given cannot be read. */
export class CliInputError extends BhsanError {
  /** The file as given on the command line. */
  readonly file: string;

  constructor(file: string, reason: string) {
    super('BHSAN_CLI_INPUT', `cannot read '${file}': ${reason}`);
    this.file = file;
  }
}

/**
 * BHSAN_OPTIONS checked (and its suppressions file loaded) before anything runs, so that a bad
 * option is one `bhsan:` line and exit 2 rather than an error in every child. Throws
 * `BhsanOptionsError` or `SuppressionError`.
 */
function checkedOptions(env: NodeJS.ProcessEnv): BhsanOptions {
  const options = parseBhsanOptions(env.BHSAN_OPTIONS ?? '');
  if (options.suppressions !== '') loadSuppressions(options.suppressions);
  return options;
}

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliInputError(file, error instanceof Error ? error.message : String(error));
  }
}

const TYPESCRIPT_ENTRY = /\.[cm]?tsx?$/;
const SCRIPT_ENTRY = /\.([cm]?[jt]sx?)$/;

/** The register hook and tsx's loader as absolute file URLs, so they resolve from any cwd. */
export function loaderUrls(): { register: string; tsx: string } {
  return {
    register: import.meta.resolve('@bhsan/testkit/register'),
    tsx: import.meta.resolve('tsx'),
  };
}

/**
 * The command line and environment `bhsan run` starts. A script path as the command runs under
 * the current Node; any `.ts` argument adds tsx's loader. Exported for tests.
 */
export function runPlan(
  command: readonly string[],
  env: NodeJS.ProcessEnv,
): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  const [first, ...rest] = command;
  if (first === undefined) throw new Error('bhsan run: no command given');
  const urls = loaderUrls();

  const imports = [`--import ${urls.register}`];
  if (command.some((arg) => TYPESCRIPT_ENTRY.test(arg))) imports.unshift(`--import ${urls.tsx}`);
  const nodeOptions = [env.NODE_OPTIONS ?? '', ...imports].filter((part) => part !== '').join(' ');

  const isScript = SCRIPT_ENTRY.test(first);
  return {
    file: isScript ? process.execPath : first,
    args: isScript ? [first, ...rest] : rest,
    env: { ...env, NODE_OPTIONS: nodeOptions },
  };
}

/** Runs a command to its end; resolves to the exit code to leave with. */
function run(command: readonly string[]): Promise<number> {
  const plan = runPlan(command, process.env);
  return new Promise((resolve) => {
    const child = spawn(plan.file, plan.args, { stdio: 'inherit', env: plan.env });
    child.on('error', (error) => {
      process.stderr.write(`bhsan run: cannot start '${plan.file}': ${error.message}\n`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      if (signal !== null) {
        const number = constants.signals[signal] ?? 0;
        resolve(128 + number);
      } else {
        resolve(code ?? 1);
      }
    });
  });
}

function version(): string {
  const manifest = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return manifest.version;
}

/** Builds the commander program; `exit` receives the code to leave with. */
export function createProgram(exit: (code: number) => void): Command {
  const program = new Command('bhsan')
    .description('BHSanitizer: leak reports for bottom halves.')
    .version(version(), '-V, --version')
    .enablePositionalOptions()
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nOptions for the check go in the BHSAN_OPTIONS environment variable, e.g.\n' +
        '  BHSAN_OPTIONS=exitcode=3:suppressions=bhsan.supp bhsan run node app.js',
    );

  program
    .command('run')
    .description('run a command with the exit-time leak check in its Node processes')
    .argument('<command...>', 'the command and its arguments (a .ts entry point runs under tsx)')
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (command: string[]) => {
      checkedOptions(process.env);
      exit(await run(command));
    });

  program
    .command('report')
    .description(
      'print a saved JSON report (BHSAN_OPTIONS json=<file>) as text; exit with exitcode ' +
        '(default 23) when it holds leaks, 0 when not',
    )
    .argument('<file>', 'the JSON report')
    .action((file: string) => {
      const options = parseBhsanOptions(process.env.BHSAN_OPTIONS ?? '');
      const report = parseReportJson(readInput(file), file);
      const text = reportText(report, options, useColor(1));
      process.stdout.write(text === '' ? `bhsan: ${file}: no leaks were recorded.\n` : text);
      exit(leakedCount(report) > 0 ? options.exitcode : 0);
    });

  return program;
}
