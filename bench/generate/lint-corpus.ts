/**
 * Generates the TypeScript corpus suite (5) lints: many modules in the style of bhsan's users —
 * device queues with completion BHs, QEMU-style state objects, `using` scopes, early returns —
 * mixed with ordinary code, and every tenth module carrying one of the two leaks the rules exist
 * for (a BH lost on an early return, a field overwritten while it may hold a live BH).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The leaky modules planted in a corpus of `files` modules. */
export function plantedLeaks(files: number): number {
  return Math.ceil(files / 10) * 2;
}

function header(): string {
  return `import { AioContext, type BottomHalf } from '@bhsan/runtime';
import {
  qemu_bh_delete,
  qemu_bh_new,
  qemu_bh_schedule,
  type QEMUBH,
} from '@bhsan/runtime/qemu';
`;
}

function queueModule(n: number): string {
  return `
export interface Request${n} {
  readonly id: number;
  readonly sector: number;
  readonly length: number;
  status: 'queued' | 'done' | 'failed';
}

/** A device queue whose requests complete through one BH. */
export class Queue${n} {
  private readonly completion: BottomHalf;
  private readonly inFlight: Request${n}[] = [];
  private completed = 0;

  constructor(private readonly context: AioContext) {
    this.completion = context.bhNew(() => this.complete(), { name: 'queue-${n}' });
  }

  submit(request: Request${n}): void {
    if (request.length <= 0 || request.sector < 0) {
      request.status = 'failed';
      return;
    }
    this.inFlight.push(request);
    this.completion.schedule();
  }

  private complete(): void {
    for (const request of this.inFlight) {
      request.status = request.length % ${(n % 7) + 2} === 0 ? 'failed' : 'done';
      this.completed++;
    }
    this.inFlight.length = 0;
  }

  get done(): number {
    return this.completed;
  }

  destroy(): void {
    this.completion.delete();
  }
}
`;
}

function helpers(n: number): string {
  return `
export function checksum${n}(data: readonly number[]): number {
  let sum = ${n};
  for (let i = 0; i < data.length; i++) {
    const value = data[i] ?? 0;
    sum = (sum * 31 + value) >>> 0;
    if (sum % ${(n % 5) + 3} === 0) {
      sum ^= i << 3;
    }
  }
  return sum;
}

export function classify${n}(size: number): 'small' | 'medium' | 'large' {
  switch (true) {
    case size < ${512 + n}:
      return 'small';
    case size < ${65536 + n}:
      return 'medium';
    default:
      return 'large';
  }
}

export function flushOnce${n}(context: AioContext, rounds: number): number {
  let ran = 0;
  using bh = context.bhNew(() => {
    ran++;
  });
  for (let i = 0; i < rounds; i++) {
    bh.schedule();
    context.bhPoll();
  }
  return ran;
}

export function tryStart${n}(context: AioContext, ready: boolean): boolean {
  const bh = context.bhNew(() => undefined, { name: 'start-${n}' });
  if (!ready) {
    bh.delete();
    return false;
  }
  bh.schedule();
  context.bhPoll();
  bh.delete();
  return true;
}

export async function drain${n}(queue: Queue${n}, requests: Request${n}[]): Promise<number> {
  for (const request of requests) {
    queue.submit(request);
    await Promise.resolve();
  }
  return requests.filter((r) => r.status === 'done').length;
}
`;
}

function stateModule(n: number): string {
  return `
interface MigrationState${n} {
  cleanupBh: QEMUBH | undefined;
  connected: boolean;
  transferred: number;
}

function cleanup${n}(s: MigrationState${n}): void {
  s.connected = false;
}

export function connect${n}(s: MigrationState${n}): void {
  if (s.cleanupBh === undefined) {
    s.cleanupBh = qemu_bh_new(cleanup${n}, s);
  }
  s.connected = true;
}

export function finish${n}(s: MigrationState${n}): void {
  if (s.cleanupBh !== undefined) {
    qemu_bh_schedule(s.cleanupBh);
  }
}

export function teardown${n}(s: MigrationState${n}): void {
  if (s.cleanupBh !== undefined) {
    qemu_bh_delete(s.cleanupBh);
    s.cleanupBh = undefined;
  }
}

export function progress${n}(s: MigrationState${n}, chunk: number): number {
  s.transferred += chunk;
  return s.transferred / ${1024 * (n + 1)};
}
`;
}

function leaks(n: number): string {
  return `
export function leakOnEarlyReturn${n}(context: AioContext, ready: boolean): boolean {
  const bh = context.bhNew(() => undefined, { name: 'leaky-${n}' });
  if (!ready) {
    return false;
  }
  bh.schedule();
  context.bhPoll();
  bh.delete();
  return true;
}

interface LeakyState${n} {
  cleanupBh: QEMUBH | undefined;
}

export function leakyConnect${n}(s: LeakyState${n}): void {
  s.cleanupBh = qemu_bh_new(() => undefined, s);
}

export function leakyTeardown${n}(s: LeakyState${n}): void {
  if (s.cleanupBh !== undefined) {
    qemu_bh_delete(s.cleanupBh);
  }
}
`;
}

/** Write `files` modules into `dir/src`; returns the total number of lines written. */
export function writeLintCorpus(dir: string, files: number): number {
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  let lines = 0;
  for (let n = 0; n < files; n++) {
    const text = [
      header(),
      queueModule(n),
      helpers(n),
      stateModule(n),
      n % 10 === 0 ? leaks(n) : '',
    ].join('');
    writeFileSync(join(src, `module-${n}.ts`), text);
    lines += text.split('\n').length;
  }
  return lines;
}
