/**
 * The `bhsan` command in child processes, against the built dist (`pnpm build` first).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runPlan } from '../../src/cli/program.js';
import { runNode } from '../helpers.js';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(packageDir, 'bin/bhsan.js');
const fixtureLine = (file: string, text: string): number =>
  readFileSync(join(packageDir, file), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(text)) + 1;

function bhsan(args: string[], cwd = packageDir, options = '') {
  return runNode([bin, ...args], { cwd, options, env: { NODE_OPTIONS: '' } });
}

describe('bhsan run on the migration scenario', () => {
  it('prints one direct leak of the cleanup BH at the qemu_bh_new line in connect, exit 23', () => {
    const file = 'test/fixtures/migration-leak.ts';
    const line = fixtureLine(file, 's.cleanupBh = qemu_bh_new(cleanup, s);');
    const { status, stdout, stderr } = bhsan(['run', file]);

    const lines = stderr.split('\n');
    expect(stdout).toBe('');
    expect(lines.slice(0, 6)).toEqual([
      '',
      '='.repeat(65),
      '==PID==ERROR: BHSanitizer: detected bottom-half leaks',
      '',
      "Direct leak of 1 BH(s) 'cleanup' allocated from:",
      `    #0 in connect ${file}:${line}:17`,
    ]);
    expect(lines.filter((l) => l.includes('leak of'))).toHaveLength(1);
    expect(lines.at(-2)).toBe('SUMMARY: BHSanitizer: 1 BH(s) leaked in 1 allocation(s).');
    expect(status).toBe(23);
  });

  it('prints nothing and exits 0 for the fixed script, from any cwd, after --', () => {
    const file = join(packageDir, 'test/fixtures/migration-fixed.ts');
    const { status, stdout, stderr } = bhsan(['run', '--', file], tmpdir());

    expect(stdout).toBe('');
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('runs a node command with its own flags and passes its exit code through', () => {
    const { status, stdout } = bhsan([
      'run',
      'node',
      '--no-warnings',
      '-e',
      'console.log(process.env.NODE_OPTIONS.includes("register")); process.exit(5)',
    ]);

    expect(stdout).toBe('true\n');
    expect(status).toBe(5);
  });

  it('says when the command cannot start', () => {
    const { status, stderr } = bhsan(['run', 'no-such-command-bhsan']);

    expect(stderr).toBe(
      "bhsan run: cannot start 'no-such-command-bhsan': spawn no-such-command-bhsan ENOENT\n",
    );
    expect(status).toBe(127);
  });
});

describe('runPlan', () => {
  it('adds the register hook, and tsx only for TypeScript entry points', () => {
    const js = runPlan(['node', 'app.js'], { NODE_OPTIONS: '--max-old-space-size=64' });
    expect(js.file).toBe('node');
    expect(js.args).toEqual(['app.js']);
    expect(js.env.NODE_OPTIONS).toMatch(
      /^--max-old-space-size=64 --import file:\/\/\/.*\/dist\/register\/index\.js$/,
    );

    const ts = runPlan(['app.ts', '--flag'], {});
    expect(ts.file).toBe(process.execPath);
    expect(ts.args).toEqual(['app.ts', '--flag']);
    expect(ts.env.NODE_OPTIONS).toMatch(
      /^--import file:\/\/\/.*\/tsx\/dist\/loader\.mjs --import file:\/\/\/.*\/register\/index\.js$/,
    );
  });
});

const emptyReport = {
  schema: 'bhsan-report/1',
  pid: 1,
  groups: [],
  omittedGroups: 0,
  suppressions: [],
  summary: { bhs: 0, timers: 0, allocations: 0 },
};

describe('bhsan run with bad configuration', () => {
  it('rejects a bad BHSAN_OPTIONS in one line before starting the command, exit 2', () => {
    const { status, stdout, stderr } = bhsan(
      ['run', 'node', '-e', 'console.log("ran")'],
      packageDir,
      'max_leaks=-1',
    );

    expect(stderr).toBe(
      'bhsan: BHSAN_OPTIONS: max_leaks=-1 is not valid: expected an integer >= 0. Valid ' +
        'options: detect_leaks, leak_check_at_exit, exitcode, suppressions, ' +
        'print_suppressions, report_objects, max_leaks, malloc_context_size, log_path, ' +
        'strip_path_prefix, report_still_reachable, json, verbosity.\n',
    );
    expect(stdout).toBe('');
    expect(status).toBe(2);
  });

  it('rejects a missing suppressions file in one line before starting the command, exit 2', () => {
    const { status, stdout, stderr } = bhsan(
      ['run', 'node', '-e', 'console.log("ran")'],
      packageDir,
      'suppressions=/missing-bhsan.supp',
    );

    expect(stderr).toBe(
      'bhsan: /missing-bhsan.supp: cannot read the suppressions file (ENOENT: no such file or ' +
        "directory, open '/missing-bhsan.supp')\n",
    );
    expect(stdout).toBe('');
    expect(status).toBe(2);
  });
});

describe('bhsan report', () => {
  it('renders a saved JSON report as text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bhsan-cli-'));
    const json = join(dir, 'report.json');
    bhsan(['run', 'test/fixtures/migration-leak.ts'], packageDir, `json=${json}`);

    const { status, stdout } = bhsan(['report', json]);

    expect(stdout).toContain("Direct leak of 1 BH(s) 'cleanup' allocated from:");
    expect(stdout).toContain('SUMMARY: BHSanitizer: 1 BH(s) leaked in 1 allocation(s).');
    expect(status).toBe(23);
    expect(bhsan(['report', json], packageDir, 'exitcode=7').status).toBe(7);
  });

  it('says in one line that an empty report recorded no leaks, and exits 0', () => {
    const json = join(mkdtempSync(join(tmpdir(), 'bhsan-cli-')), 'empty.json');
    writeFileSync(json, JSON.stringify(emptyReport));

    const { status, stdout, stderr } = bhsan(['report', json]);

    expect(stdout).toBe(`bhsan: ${json}: no leaks were recorded.\n`);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('rejects a report whose summary contradicts its groups, naming the field', () => {
    const json = join(mkdtempSync(join(tmpdir(), 'bhsan-cli-')), 'lying.json');
    writeFileSync(
      json,
      JSON.stringify({ ...emptyReport, summary: { ...emptyReport.summary, bhs: 2 } }),
    );

    const { status, stdout, stderr } = bhsan(['report', json]);

    expect(stderr).toBe(
      `bhsan: ${json}: $.summary.bhs is 2 but the groups count 0 (schema bhsan-report/1)\n`,
    );
    expect(stdout).toBe('');
    expect(status).toBe(2);
  });

  it('names a missing file in one line, exit 2', () => {
    const { status, stdout, stderr } = bhsan(['report', '/missing-bhsan.json']);

    expect(stderr).toBe(
      "bhsan: cannot read '/missing-bhsan.json': ENOENT: no such file or directory, " +
        "open '/missing-bhsan.json'\n",
    );
    expect(stdout).toBe('');
    expect(status).toBe(2);
  });

  it('names a file that is not a report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bhsan-cli-'));
    const json = join(dir, 'bad.json');
    writeFileSync(json, '{"schema":"bhsan-report/1"}');

    const { status, stderr } = bhsan(['report', json]);

    expect(stderr).toBe(
      `bhsan: ${json}: $ lacks the required field 'pid' (schema bhsan-report/1)\n`,
    );
    expect(status).toBe(2);
  });
});

describe('bhsan --help and --version', () => {
  it('prints the version from package.json', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(bhsan(['--version']).stdout).toBe(`${manifest.version}\n`);
  });

  it('lists the commands', () => {
    const { stdout, status } = bhsan(['--help']);

    expect(stdout).toContain('Usage: bhsan [options] [command]');
    expect(stdout).toContain('run <command...>');
    expect(stdout).toContain('report <file>');
    expect(stdout).toContain('BHSAN_OPTIONS=exitcode=3:suppressions=bhsan.supp');
    expect(status).toBe(0);
  });

  it('rejects an unknown command', () => {
    const { stderr, status } = bhsan(['frobnicate']);

    expect(stderr).toContain("error: unknown command 'frobnicate'");
    expect(status).toBe(1);
  });
});
