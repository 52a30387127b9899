// Both rules with type information: bottom halves recognised by the runtime's types.
import noLeakedBh from '../../src/rules/no-leaked-bh.js';
import noUseAfterDelete from '../../src/rules/no-use-after-delete.js';
import { typedTester } from '../rule-tester.js';

const typed = [{ useTypeInformation: true }] as const;
const imports = `import { AioContext, BottomHalf } from '@bhsan/runtime';
import { qemu_bh_delete, qemu_bh_new, qemu_bh_schedule, type QEMUBH } from '@bhsan/runtime/qemu';
declare const ctx: AioContext;
declare const cb: () => void;
declare const busy: boolean;
`;

typedTester().run('no-leaked-bh (typed)', noLeakedBh, {
  valid: [
    {
      name: 'an unrelated bhNew method is not a bottom half',
      options: [{ useTypeInformation: true }],
      code: `${imports}
function start(factory: BlockHandleFactory) {
  factory.bhNew(cb);
}`,
    },
    {
      name: 'a wrapper that returns the runtime type, deleted by the caller',
      options: [{ useTypeInformation: true }],
      code: `${imports}
function makeFlush(c: AioContext): BottomHalf {
  return c.bhNew(cb, { name: 'flush' });
}
function run() {
  const bh = makeFlush(ctx);
  bh.schedule();
  bh.delete();
}`,
    },
    {
      name: 'the QEMUBH alias: created and deleted',
      options: [{ useTypeInformation: true }],
      code: `${imports}
function run(s: object) {
  const bh: QEMUBH = qemu_bh_new(() => {}, s);
  qemu_bh_schedule(bh);
  qemu_bh_delete(bh);
}`,
    },
    {
      name: 'a using declaration of the runtime type',
      options: [{ useTypeInformation: true }],
      code: `${imports}
function run() {
  using bh = ctx.bhNew(cb);
  if (busy) return;
  bh.schedule();
}`,
    },
    {
      name: 'a class that creates its typed field and deletes it',
      options: [{ useTypeInformation: true }],
      code: `${imports}
class Device {
  private bh: BottomHalf | undefined;
  constructor() {
    this.bh = ctx.bhNew(cb);
  }
  close(): void {
    this.bh?.delete();
  }
}`,
    },
    {
      name: 'lookups of existing bottom halves stored in locals are not creations',
      options: [{ useTypeInformation: true }],
      code: `${imports}
class Queues {
  private readonly byName = new Map<string, BottomHalf>();
  private readonly queues: { name: string; bh: BottomHalf }[] = [];
  private queueBh(i: number): BottomHalf {
    return (this.queues[i] as { bh: BottomHalf }).bh;
  }
  kick(name: string, i: number): void {
    const bh = this.byName.get(name);
    bh?.schedule();
    const found = this.queues.find((q) => q.name === name);
    found?.bh.schedule();
    const byIndex = this.queueBh(i);
    if (busy) return;
    byIndex.schedule();
  }
  close(): void {
    for (const bh of this.byName.values()) bh.delete();
    for (const q of this.queues) q.bh.delete();
  }
}`,
    },
    {
      name: 'a dropped lookup result is not a discarded creation',
      options: [{ useTypeInformation: true }],
      code: `${imports}
declare const registry: { get(name: string): BottomHalf };
registry.get('flush');`,
    },
    {
      name: 'a same-file function that returns a creation on one path only is not a creator',
      options: [{ useTypeInformation: true }],
      code: `${imports}
declare const cache: Map<string, BottomHalf>;
function lookupOrMake(name: string): BottomHalf {
  const hit = cache.get(name);
  if (hit) return hit;
  return ctx.bhNew(cb, { name });
}
function kick(name: string) {
  const bh = lookupOrMake(name);
  bh.schedule();
}`,
    },
  ],
  invalid: [
    {
      name: 'a wrapper returning the runtime type is a creation; its result is dropped',
      options: [{ useTypeInformation: true }],
      code: `${imports}
function makeFlush(c: AioContext): BottomHalf {
  return c.bhNew(cb);
}
makeFlush(ctx);`,
      errors: [{ messageId: 'discarded', line: 10, column: 1 }],
    },
    {
      name: 'the QEMUBH alias lost on an early return',
      options: [{ useTypeInformation: true }],
      code: `${imports}
function realize(s: { error: boolean }): number {
  const bh = qemu_bh_new(() => {}, s);
  if (s.error) {
    return -1;
  }
  qemu_bh_delete(bh);
  return 0;
}`,
      errors: [{ messageId: 'lostAtExit', line: 10, column: 5 }],
    },
    {
      name: 'the method API scheduled and dropped, with the oneshot suggestion',
      options: [{ useTypeInformation: true }],
      code: `${imports}
ctx.bhNew(cb).schedule();`,
      errors: [
        {
          messageId: 'discardedScheduled',
          line: 7,
          column: 1,
          suggestions: [
            {
              messageId: 'suggestOneshot',
              output: `${imports}
ctx.scheduleOneshot(cb);`,
            },
          ],
        },
      ],
    },
    {
      name: 'a typed field never deleted by its class',
      options: [{ useTypeInformation: true }],
      code: `${imports}
class Device {
  private readonly bh: BottomHalf;
  constructor() {
    this.bh = ctx.bhNew(cb);
  }
}`,
      errors: [{ messageId: 'fieldNeverReleased', line: 10, column: 5 }],
    },
    {
      name: 'a type the user names in bhTypes confirms a bhNew call, next to the runtime types',
      options: [{ useTypeInformation: true, bhTypes: ['PooledBh'] }],
      code: `${imports}
interface PooledBh {
  delete(): void;
}
declare const pool: { bhNew(cb: () => void): PooledBh };
pool.bhNew(cb);
ctx.bhNew(cb);`,
      errors: [
        { messageId: 'discarded', line: 11, column: 1 },
        { messageId: 'discarded', line: 12, column: 1 },
      ],
    },
    {
      name: 'a renamed import of the QEMU facade is still a creation',
      options: [{ useTypeInformation: true }],
      code: `${imports}
import { qemu_bh_new as newBh } from '@bhsan/runtime/qemu';
function kick(s: object) {
  newBh(() => {}, s);
}`,
      errors: [
        { messageId: 'discarded', line: 9, column: 3, data: { callee: 'newBh', where: 'line 9' } },
      ],
    },
    {
      name: 'a wrapper declared elsewhere counts when configured in creators',
      options: [{ useTypeInformation: true, creators: ['makeBh'] }],
      code: `${imports}
declare function makeBh(c: AioContext): BottomHalf;
function realize(): number {
  const bh = makeBh(ctx);
  if (busy) {
    return -1;
  }
  bh.delete();
  return 0;
}`,
      errors: [{ messageId: 'lostAtExit', line: 11, column: 5 }],
    },
    {
      name: 'an arrow wrapper in the same file that returns a creation',
      options: [{ useTypeInformation: true }],
      code: `${imports}
const makeFlush = (c: AioContext) => c.bhNew(cb);
function run() {
  const bh = makeFlush(ctx);
  if (busy) throw new Error('busy');
  bh.delete();
}`,
      errors: [{ messageId: 'lostAtExit', line: 10, column: 13 }],
    },
  ],
});

typedTester().run('no-use-after-delete (typed)', noUseAfterDelete, {
  valid: [
    {
      name: 'an unrelated object with delete() and schedule() is not a bottom half',
      options: [...typed],
      code: `${imports}
declare const job: { delete(): void; schedule(): void };
job.delete();
job.schedule();`,
    },
    {
      name: 'a runtime bottom half scheduled then deleted',
      options: [...typed],
      code: `${imports}
const bh = ctx.bhNew(cb);
bh.schedule();
bh.delete();`,
    },
  ],
  invalid: [
    {
      name: 'a runtime bottom half scheduled after delete',
      options: [...typed],
      code: `${imports}
const bh = ctx.bhNew(cb);
bh.delete();
bh.schedule();`,
      errors: [{ messageId: 'useAfterDelete', line: 9, column: 1 }],
    },
    {
      name: 'the QEMUBH alias deleted twice',
      options: [...typed],
      code: `${imports}
function stop(s: { bh: QEMUBH }) {
  qemu_bh_delete(s.bh);
  qemu_bh_delete(s.bh);
}`,
      errors: [{ messageId: 'useAfterDelete', line: 9, column: 3 }],
    },
  ],
});
