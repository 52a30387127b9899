/**
 * Child processes and scratch directories for the suites that time whole tools (Vitest, ESLint).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './packages.js';

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `node <args>` in `cwd` and collect its output. Never rejects on a non-zero exit. */
export function runNode(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The last `lines` lines of a process's output, for error messages. */
export function tail(result: ProcessResult, lines = 15): string {
  return `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-lines).join('\n');
}

/**
 * A scratch directory under the OS temp dir whose node_modules links the named packages from the
 * repository's own node_modules, so that files generated there import them by their package
 * names. Who may call: suites; they remove it with removeWorkDir when done.
 */
export function makeWorkDir(prefix: string, packages: readonly string[]): string {
  const dir = mkdtempSync(join(os.tmpdir(), `bhsan-bench-${prefix}-`));
  for (const name of packages) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(join(repoRoot, 'node_modules', name)), link, 'dir');
  }
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  return dir;
}

export function removeWorkDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Path of a package's file inside the repository's node_modules. */
export function toolPath(...parts: string[]): string {
  return join(repoRoot, 'node_modules', ...parts);
}
