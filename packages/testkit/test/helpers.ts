/** Leak facts built in a few lines, for report and suppression tests; child Node processes. */
import { spawnSync } from 'node:child_process';
import type { Allocation, Leak, LeakKind, StackFrame } from '@bhsan/runtime';

let nextId = 1;

/** A frame `fn` at `file:line:col`. */
export function frame(functionName: string, file: string, line = 1, column = 1): StackFrame {
  return { functionName, file, line, column };
}

/** A leak of a BH (or timer) named `name` allocated from `frames`. */
export function leak(
  kind: LeakKind,
  name: string,
  frames: readonly StackFrame[],
  extra: Partial<Pick<Allocation, 'kind' | 'contextName' | 'owner' | 'id'>> = {},
): Leak {
  const allocation: Allocation = {
    id: extra.id ?? nextId++,
    kind: extra.kind ?? 'bh',
    name,
    contextName: extra.contextName ?? 'main',
    owner: extra.owner,
    stackId: 1,
    frames,
  };
  return { kind, allocation };
}

/** Text with `==<pid>==` made stable. */
export function stablePid(text: string): string {
  return text.replace(/==\d+==/g, '==PID==');
}

/** What a child Node process did; `stderr` with its pids made stable by `stablePid`. */
export interface NodeRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly pid: number;
}

/** How `runNode` starts the child. */
export interface RunNodeOptions {
  readonly cwd: string;
  /** BHSAN_OPTIONS of the child (default ''). */
  readonly options?: string;
  /** Set over the parent's environment, after NO_COLOR=1. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs `node <args>` to its end, without colours. */
export function runNode(args: readonly string[], run: RunNodeOptions): NodeRun {
  const result = spawnSync(process.execPath, args, {
    cwd: run.cwd,
    encoding: 'utf8',
    env: { ...process.env, BHSAN_OPTIONS: run.options ?? '', NO_COLOR: '1', ...run.env },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: stablePid(result.stderr),
    pid: result.pid,
  };
}
