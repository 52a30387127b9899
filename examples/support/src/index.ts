/**
 * What the examples' tests share: run `bhsan run` in an example, find a line, normalise a report.
 * Each example passes its own directory.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory of the example whose test module is at `moduleUrl` (`test/<file>`). */
export function exampleDirOf(moduleUrl: string): string {
  return join(dirname(fileURLToPath(moduleUrl)), '..');
}

const bhsanBin = join(
  dirname(createRequire(import.meta.url).resolve('@bhsan/testkit/package.json')),
  'bin/bhsan.js',
);

/** What a finished child process left. */
export interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bhsan run <args>` in `exampleDir`, without colour or inherited options. */
export function bhsanRun(exampleDir: string, args: readonly string[]): Finished {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', NODE_OPTIONS: '' };
  delete env.FORCE_COLOR;
  delete env.BHSAN_OPTIONS;
  const result = spawnSync(process.execPath, [bhsanBin, 'run', ...args], {
    cwd: exampleDir,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** 1-based line and column where `needle` first occurs in `exampleDir`'s file `path`. */
export function positionOf(
  exampleDir: string,
  path: string,
  needle: string,
): { line: number; column: number } {
  const lines = readFileSync(join(exampleDir, path), 'utf8').split('\n');
  const index = lines.findIndex((text) => text.includes(needle));
  if (index === -1) throw new Error(`positionOf: '${needle}' is not in ${path}`);
  return { line: index + 1, column: (lines[index] as string).indexOf(needle) + 1 };
}

/**
 * A report with the pid replaced by PID and the frames outside the example's own files (Node's
 * internals, engine builtins) taken out; those frames are returned apart.
 */
export function normaliseReport(text: string): { report: string; outsideFrames: string[] } {
  const outsideFrames: string[] = [];
  const lines = text
    .replace(/==\d+==/g, '==PID==')
    .split('\n')
    .filter((line) => {
      const frame = /^ {4}#\d+ in \S+ (\S+)$/.exec(line);
      if (frame === null || (frame[1] as string).startsWith('src/')) return true;
      outsideFrames.push(line);
      return false;
    });
  return { report: lines.join('\n'), outsideFrames };
}

/** The helpers bound to one example, as its tests use them. */
export interface ExampleSupport {
  /** The example's directory: commands run there, report paths are relative to it. */
  readonly exampleDir: string;
  /** `bhsan run <args>` in the example, without colour or inherited options. */
  readonly bhsanRun: (args: readonly string[]) => Finished;
  /** 1-based line and column where `needle` first occurs in the example's file `path`. */
  readonly positionOf: (path: string, needle: string) => { line: number; column: number };
}

/** The helpers for the example whose test module is at `moduleUrl` (`test/<file>`). */
export function exampleSupport(moduleUrl: string): ExampleSupport {
  const exampleDir = exampleDirOf(moduleUrl);
  return {
    exampleDir,
    bhsanRun: (args) => bhsanRun(exampleDir, args),
    positionOf: (path, needle) => positionOf(exampleDir, path, needle),
  };
}

/**
 * The report `normaliseReport` leaves when one BH leaked: the group's heading (`Direct leak of 1
 * BH(s) 'x' allocated from:`) and its frames (`function file:line:column`), numbered here.
 */
export function oneLeakReport(heading: string, frames: readonly string[]): string {
  return [
    '',
    '='.repeat(65),
    '==PID==ERROR: BHSanitizer: detected bottom-half leaks',
    '',
    heading,
    ...frames.map((frame, index) => `    #${index} in ${frame}`),
    '',
    'SUMMARY: BHSanitizer: 1 BH(s) leaked in 1 allocation(s).',
    '',
  ].join('\n');
}
