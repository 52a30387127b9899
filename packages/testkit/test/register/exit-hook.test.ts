/**
 * The exit hook in real child processes, against the built dist (`pnpm build` first).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseReportJson } from '../../src/report/schema.js';
import { runNode } from '../helpers.js';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const register = new URL('../../dist/register/index.js', import.meta.url).href;
const script = 'test/fixtures/exit-scenarios.mjs';

/** `node --import <register> <args>` in the package directory; pids in stderr made stable. */
function runRegistered(args: readonly string[], options = '', env: Record<string, string> = {}) {
  return runNode(['--import', register, ...args], { cwd: packageDir, options, env });
}

function run(scenario: string, options = '', extraEnv: Record<string, string> = {}) {
  return runRegistered([script, scenario], options, extraEnv);
}

const RULE = '='.repeat(65);
const header = ['', RULE, '==PID==ERROR: BHSanitizer: detected bottom-half leaks', ''];
const cleanupGroup = [
  "Direct leak of 2 BH(s) 'cleanup' allocated from:",
  `    #0 in lose ${script}:8:7`,
  `    #1 in loseTwo ${script}:12:31`,
  `    #2 in <anonymous> ${script}:16:3`,
];
const pollerGroup = [
  "Direct leak of 1 BH(s) 'poller' allocated from:",
  `    #0 in lose ${script}:8:7`,
  `    #1 in <anonymous> ${script}:17:3`,
];
const summary = 'SUMMARY: BHSanitizer: 3 BH(s) leaked in 2 allocation(s).';

/** The report's lines from the first header line to SUMMARY, node-internal frames left out. */
function reportLines(stderr: string): string[] {
  const start = stderr.indexOf(`\n${RULE}\n`);
  if (start < 0) return [];
  return stderr
    .slice(start)
    .split('\n')
    .filter((line) => !/ node:internal\//.test(line));
}

const fullReport = [...header, ...cleanupGroup, '', ...pollerGroup, '', summary, ''];

describe('exit hook', () => {
  it('reports leaks at a normal end and exits with exitcode', () => {
    const { status, stderr } = run('normal');

    expect(reportLines(stderr)).toEqual(fullReport);
    expect(status).toBe(23);
  });

  it('reports under process.exit(), after what the program printed', () => {
    const { status, stdout, stderr } = run('exit');

    expect(stdout).toBe('before exit\n');
    expect(reportLines(stderr)).toEqual(fullReport);
    expect(status).toBe(23);
  });

  it('keeps the exit code the program chose when nothing leaked', () => {
    expect(run('none').status).toBe(0);
    const none = runRegistered(['-e', 'process.exit(4)']);
    expect(none.status).toBe(4);
    expect(none.stderr).toBe('');
  });

  it('prints an uncaught exception in full first, then the report', () => {
    const { status, stderr } = run('throw');

    const errorAt = stderr.indexOf('Error: boom');
    const causeAt = stderr.indexOf('[cause]: Error: the cause');
    const reportAt = stderr.indexOf(RULE);
    expect(errorAt).toBeGreaterThanOrEqual(0);
    expect(causeAt).toBeGreaterThan(errorAt);
    expect(reportAt).toBeGreaterThan(causeAt);
    expect(reportLines(stderr)).toEqual(fullReport);
    expect(status).toBe(23);
  });

  it('handles an exception thrown later, and an unhandled rejection, the same way', () => {
    for (const [scenario, message] of [
      ['throw-later', 'Error: later boom'],
      ['reject', 'Error: rejected'],
    ] as const) {
      const { status, stderr } = run(scenario);
      expect(stderr.indexOf(message)).toBeGreaterThanOrEqual(0);
      expect(stderr.indexOf(message)).toBeLessThan(stderr.indexOf(RULE));
      expect(reportLines(stderr).at(-2)).toBe(summary);
      expect(status).toBe(23);
    }
  });

  it('exits 1 on an uncaught exception when nothing leaked', () => {
    const result = runRegistered(['-e', 'throw new TypeError("plain")']);

    expect(result.stderr).toContain('TypeError: plain');
    expect(result.stderr).not.toContain('BHSanitizer');
    expect(result.status).toBe(1);
  });

  it('labels an ESM top-level throw of a non-Error as an uncaught exception', () => {
    const { status, stderr } = run('throw-string');

    expect(stderr.slice(0, stderr.indexOf(RULE))).toBe("Uncaught 'a string'\n\n");
    expect(reportLines(stderr).at(-2)).toBe(summary);
    expect(status).toBe(23);
  });

  it('exitcode=0 reports leaks but keeps the code of process.exit(4) and of a crash', () => {
    const exited = run('exit-code', 'exitcode=0');
    const crashed = run('throw', 'exitcode=0');
    const normal = run('normal', 'exitcode=0');

    expect(reportLines(exited.stderr)).toEqual(fullReport);
    expect(exited.status).toBe(4);
    expect(reportLines(crashed.stderr)).toEqual(fullReport);
    expect(crashed.status).toBe(1);
    expect(reportLines(normal.stderr)).toEqual(fullReport);
    expect(normal.status).toBe(0);
  });

  it("leaves an exception to the program's own listener", () => {
    const { status, stdout, stderr } = run('handled');

    expect(stdout).toBe('handled: handled boom\n');
    expect(reportLines(stderr).at(-2)).toBe(summary);
    expect(status).toBe(23);
  });

  it('renders an uncaught use-after-delete with its three sites', () => {
    const { status, stderr } = run('use-after-delete');

    expect(stderr).toContain('UseAfterDeleteError: use after delete');
    expect(stderr).toContain(
      "==PID==ERROR: BHSanitizer: use-after-delete on bottom half 'reconnect'",
    );
    expect(stderr).toContain(
      `schedule() of deleted bottom half 'reconnect' here:\n    #0 in <anonymous> ${script}:49:8`,
    );
    expect(stderr).toContain(
      `bottom half 'reconnect' was deleted here:\n    #0 in <anonymous> ${script}:48:14`,
    );
    expect(stderr).toContain(
      "bottom half 'reconnect' was previously allocated here:\n" +
        `    #0 in <anonymous> ${script}:47:20`,
    );
    expect(stderr).toContain(
      `SUMMARY: BHSanitizer: use-after-delete ${script}:49:8 in <anonymous>`,
    );
    expect(status).toBe(23);
  });

  it('reports what finalize found once, as undeleted-at-finalize, never again as direct', () => {
    const { status, stdout, stderr } = run('finalize');

    expect(stdout).toBe('BHSAN_UNDELETED_AT_FINALIZE\n');
    expect(reportLines(stderr)).toEqual([
      ...header,
      "Undeleted-at-finalize leak of 2 BH(s) 'cleanup' allocated from:",
      ...cleanupGroup.slice(1),
      '',
      "Undeleted-at-finalize leak of 1 BH(s) 'poller' allocated from:",
      ...pollerGroup.slice(1),
      '',
      "Undeleted-at-finalize leak of 1 BH(s) 'keptAlive' allocated from:",
      `    #0 in <anonymous> ${script}:56:27`,
      '',
      'SUMMARY: BHSanitizer: 4 BH(s) leaked in 3 allocation(s).',
      '',
    ]);
    expect(status).toBe(23);
  });
});

describe('exit hook options', () => {
  it('exitcode sets the exit code', () => {
    expect(run('normal', 'exitcode=7').status).toBe(7);
  });

  it('detect_leaks=0 and leak_check_at_exit=0 turn the exit check off', () => {
    for (const options of ['detect_leaks=0', 'leak_check_at_exit=0']) {
      const { status, stderr } = run('normal', options);
      expect(stderr).toBe('');
      expect(status).toBe(0);
    }
  });

  it('suppressions hide matching leaks and print_suppressions prints the table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bhsan-exit-'));
    const file = join(dir, 'app.supp');
    writeFileSync(file, '# known\nleak:^loseTwo$\n');

    const shown = run('normal', `suppressions=${file}`);
    expect(reportLines(shown.stderr)).toEqual([
      ...header,
      ...pollerGroup,
      '-'.repeat(53),
      'Suppressions used:',
      '  count pattern',
      '      2 ^loseTwo$',
      '-'.repeat(53),
      '',
      'SUMMARY: BHSanitizer: 1 BH(s) leaked in 1 allocation(s).',
      '',
    ]);
    expect(shown.status).toBe(23);

    const quiet = run('normal', `suppressions=${file}:print_suppressions=0`);
    expect(quiet.stderr).not.toContain('Suppressions used:');
  });

  it('a malformed suppressions file stops the program before it runs: one line, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bhsan-exit-'));
    const file = join(dir, 'bad.supp');
    writeFileSync(file, 'leak:ok\nnot a rule\n');

    const { status, stderr } = run('normal', `suppressions=${file}`);
    expect(stderr).toBe(
      `bhsan: ${file}:2: 'not a rule' is not a suppression: write leak:<pattern>\n`,
    );
    expect(status).toBe(2);
  });

  it('a bad option stops the program before it runs: one line naming the key, exit 2', () => {
    const { status, stderr, stdout } = run('exit', 'exitcode=lots');

    expect(stderr).toBe(
      'bhsan: BHSAN_OPTIONS: exitcode=lots is not valid: expected an integer from 0 to 255. ' +
        'Valid options: detect_leaks, leak_check_at_exit, exitcode, suppressions, ' +
        'print_suppressions, report_objects, max_leaks, malloc_context_size, log_path, ' +
        'strip_path_prefix, report_still_reachable, json, verbosity.\n',
    );
    expect(stdout).toBe('');
    expect(status).toBe(2);
  });

  it('report_objects lists the objects, max_leaks limits the groups', () => {
    const { stderr } = run('normal', 'report_objects=1:max_leaks=1');

    expect(reportLines(stderr)).toEqual([
      ...header.slice(0, 3),
      'Showing the largest 1 of 2 allocation(s) (max_leaks).',
      '',
      ...cleanupGroup,
      'Leaked objects:',
      "#1 'cleanup' in context 'app'",
      "#2 'cleanup' in context 'app'",
      '',
      '1 more allocation(s) not shown (max_leaks).',
      '',
      summary,
      '',
    ]);
  });

  it('malloc_context_size sets the stack depth, 0 turning capture off', () => {
    expect(reportLines(run('normal', 'malloc_context_size=1').stderr).slice(4, 6)).toEqual([
      "Direct leak of 2 BH(s) 'cleanup' allocated from:",
      `    #0 in lose ${script}:8:7`,
    ]);
    expect(reportLines(run('normal', 'malloc_context_size=0').stderr)).toEqual([
      ...header,
      "Direct leak of 2 BH(s) 'cleanup' allocated from:",
      '    (no stack: malloc_context_size=0)',
      '',
      "Direct leak of 1 BH(s) 'poller' allocated from:",
      '    (no stack: malloc_context_size=0)',
      '',
      summary,
      '',
    ]);
  });

  it('strip_path_prefix shortens file names', () => {
    const { stderr } = run('normal', `strip_path_prefix=${packageDir}test/`);

    expect(stderr).toContain('    #0 in lose fixtures/exit-scenarios.mjs:8:7');
  });

  it('report_still_reachable reports live undeleted BHs', () => {
    expect(run('reachable').stderr).not.toContain('keptAlive');
    const { stderr } = run('reachable', 'report_still_reachable=1');

    expect(stderr).toContain(
      "Still-reachable leak of 1 BH(s) 'keptAlive' allocated from:\n" +
        `    #0 in <anonymous> ${script}:53:27`,
    );
    expect(stderr).toContain('SUMMARY: BHSanitizer: 4 BH(s) leaked in 3 allocation(s).');
  });

  it('log_path writes the report to <path>.<pid>, or to stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bhsan-exit-'));
    const result = run('normal', `log_path=${join(dir, 'bhsan')}`);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(23);
    const written = readFileSync(join(dir, `bhsan.${result.pid}`), 'utf8');
    expect(written).toContain(summary);
    expect(run('normal', 'log_path=stdout').stdout).toContain(summary);
  });

  it('log_path and json into a missing directory create it', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bhsan-exit-')), 'new', 'dir');
    const result = run('normal', `log_path=${join(dir, 'bhsan')}:json=${join(dir, 'r.json')}`);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(23);
    expect(readFileSync(join(dir, `bhsan.${result.pid}`), 'utf8')).toContain(summary);
    expect(parseReportJson(readFileSync(join(dir, 'r.json'), 'utf8')).summary).toEqual({
      bhs: 3,
      timers: 0,
      allocations: 2,
    });
  });

  it('log_path that cannot be written prints the report to stderr with a note', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bhsan-exit-')), 'file');
    writeFileSync(file, '');
    const { status, stderr } = run('normal', `log_path=${join(file, 'bhsan')}`);

    const note = stderr.slice(0, stderr.indexOf('\n')).replace(/bhsan\.\d+ /, 'bhsan.<pid> ');
    expect(note).toBe(
      `==PID==BHSanitizer: cannot write log_path ${join(file, 'bhsan')}.<pid> ` +
        `(EEXIST: file already exists, mkdir '${file}'):`,
    );
    expect(reportLines(stderr)).toEqual(fullReport);
    expect(status).toBe(23);
  });

  it('json writes a schema-valid report (%p is the pid)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bhsan-exit-'));
    const result = run('normal', `json=${join(dir, 'report-%p.json')}`);

    const report = parseReportJson(readFileSync(join(dir, `report-${result.pid}.json`), 'utf8'));
    expect(report.pid).toBe(result.pid);
    expect(report.summary).toEqual({ bhs: 3, timers: 0, allocations: 2 });
    expect(report.groups.map((g) => [g.name, g.count, g.frames[0]])).toEqual([
      ['cleanup', 2, { function: 'lose', file: script, line: 8, column: 7 }],
      ['poller', 1, { function: 'lose', file: script, line: 8, column: 7 }],
    ]);
  });

  it('verbosity=1 says when nothing leaked; verbosity=2 prints the options', () => {
    expect(run('none', 'verbosity=1').stderr).toBe(
      '==PID==BHSanitizer: no bottom-half leaks found.\n',
    );
    expect(run('none', 'verbosity=2').stderr.split('\n')[0]).toBe(
      '==PID==BHSanitizer: options: detect_leaks=true:leak_check_at_exit=true:exitcode=23:' +
        'suppressions=:print_suppressions=true:report_objects=false:max_leaks=0:' +
        'malloc_context_size=30:log_path=:strip_path_prefix=:report_still_reachable=false:' +
        'json=:verbosity=2',
    );
    expect(run('none').stderr).toBe('');
  });
});
