/** Leak facts built in a few lines, for report and suppression tests. */
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
