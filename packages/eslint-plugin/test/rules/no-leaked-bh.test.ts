// `no-leaked-bh` without type information: bottom halves known by the runtime's function names.
import rule from '../../src/rules/no-leaked-bh.js';
import { untypedTester } from '../rule-tester.js';

untypedTester().run('no-leaked-bh', rule, {
  valid: [
    {
      name: 'a local created and deleted on every path',
      code: `
function start(ctx) {
  const bh = ctx.bhNew(cb);
  bh.schedule();
  bh.delete();
}`,
    },
    {
      name: 'returning the bottom half hands it to the caller',
      code: `
function make(ctx) {
  const bh = ctx.bhNew(cb, { name: 'flush' });
  bh.schedule();
  return bh;
}`,
    },
    {
      name: 'an arrow that returns a creation hands it to the caller',
      code: `const make = (ctx) => ctx.bhNew(cb);`,
    },
    {
      name: 'pushing into a container hands it on',
      code: `
function track(ctx, list) {
  const bh = ctx.bhNew(cb);
  list.push(bh);
}`,
    },
    {
      name: 'storing in an object that is returned hands it on',
      code: `
function make(ctx) {
  const bh = ctx.bhNew(cb);
  const owner = { bh, name: 'dev' };
  return owner;
}`,
    },
    {
      name: 'passing to a function the rule does not know hands it on by default',
      code: `
function start(ctx, registry) {
  const bh = aio_bh_new(ctx, cb, null);
  registry.adopt(bh);
}`,
    },
    {
      name: 'a configured owning function takes the bottom half when unknown calls only borrow',
      options: [{ unknownCallsTakeOwnership: false, owningFunctions: ['adopt'] }],
      code: `
function start(ctx) {
  const bh = ctx.bhNew(cb);
  adopt(bh);
}`,
    },
    {
      name: 'storing in a field hands the local on',
      code: `
class Dev {
  constructor(ctx) {
    const bh = ctx.bhNew(cb);
    this.bh = bh;
  }
  close() {
    this.bh.delete();
  }
}`,
    },
    {
      name: 'a using declaration deletes it when the block ends',
      code: `
function run(ctx) {
  using bh = ctx.bhNew(cb);
  if (busy) return;
  bh.schedule();
}`,
    },
    {
      name: 'try/finally deletes it on the early return inside the try block',
      code: `
function run(ctx) {
  const bh = ctx.bhNew(cb);
  try {
    if (busy) return;
    bh.schedule();
  } finally {
    bh.delete();
  }
}`,
    },
    {
      name: 'try/finally deletes it when the try block throws',
      code: `
function run(ctx) {
  const bh = qemu_bh_new(cb, s);
  try {
    if (bad) throw new Error('bad');
  } finally {
    qemu_bh_delete(bh);
  }
}`,
    },
    {
      name: 'a throw caught inside the scope of the local does not lose it',
      code: `
function run(ctx) {
  const bh = ctx.bhNew(cb);
  try {
    throw new Error('retry');
  } catch (error) {
    log(error);
  }
  bh.delete();
}`,
    },
    {
      name: 'Symbol.dispose releases it',
      code: `
function run(ctx) {
  const bh = ctx.bhNew(cb);
  bh[Symbol.dispose]();
}`,
    },
    {
      name: 'the QEMU-named API: created, scheduled, deleted',
      code: `
function realize(ctx, s) {
  const bh = aio_bh_new_full(ctx, cb, s, 'realize');
  qemu_bh_schedule(bh);
  qemu_bh_cancel(bh);
  qemu_bh_delete(bh);
}`,
    },
    {
      name: 'oneshot APIs create nothing to release',
      code: `
function kick(ctx, s) {
  ctx.scheduleOneshot(cb);
  aio_bh_schedule_oneshot(ctx, cb, s);
}`,
    },
    {
      name: 'a closure that deletes it takes it over',
      code: `
function later(ctx) {
  const bh = ctx.bhNew(cb);
  bh.schedule();
  setTimeout(() => bh.delete(), 10);
}`,
    },
    {
      name: 'a bottom half whose own callback deletes it',
      code: `
function once(ctx) {
  const bh = ctx.bhNew(() => {
    work();
    bh.delete();
  });
  bh.schedule();
}`,
    },
    {
      name: 'optional chaining on the creation and the delete',
      code: `
function maybe(ctx) {
  const bh = ctx?.bhNew(cb);
  bh?.schedule();
  bh?.delete();
}`,
    },
    {
      name: 'a loop that creates and deletes one per iteration',
      code: `
function each(ctx, items) {
  for (const item of items) {
    const bh = ctx.bhNew(() => use(item));
    bh.schedule();
    bh.delete();
  }
}`,
    },
    {
      name: 'a loop that deletes the previous bottom half before replacing it',
      code: `
function each(ctx, items) {
  let bh;
  for (const item of items) {
    bh?.delete();
    bh = ctx.bhNew(cb);
  }
  bh?.delete();
}`,
    },
    {
      name: 'a break that stays inside the scope of the local',
      code: `
function scan(ctx, items) {
  const bh = ctx.bhNew(cb);
  for (const item of items) {
    if (item) break;
  }
  bh.delete();
}`,
    },
    {
      name: 'every switch case deletes it',
      code: `
function pick(ctx, kind) {
  const bh = ctx.bhNew(cb);
  switch (kind) {
    case 1:
      bh.delete();
      break;
    default:
      bh.delete();
  }
}`,
    },
    {
      name: 'a configured releaser deletes it',
      options: [{ releasers: ['destroyBh'] }],
      code: `
function run(ctx) {
  const bh = ctx.bhNew(cb);
  destroyBh(bh);
}`,
    },
    {
      name: 'a bare bhNew() call is not the runtime method',
      code: `
function run() {
  bhNew(cb);
}`,
    },
    {
      name: 'a module-level bottom half is not a local',
      code: `
const bh = ctx.bhNew(cb);
export function stop() {
  bh.delete();
}`,
    },
    {
      name: 'a creation chosen by a condition is left alone',
      code: `
function run(ctx, wanted) {
  const bh = wanted ? ctx.bhNew(cb) : undefined;
  bh?.schedule();
}`,
    },
    {
      name: 'creating and deleting in one expression',
      code: `
function probe(ctx) {
  ctx.bhNew(cb).delete();
}`,
    },
    {
      name: 'a class that creates its field in the constructor and deletes it on close',
      code: `
class Device {
  constructor(ctx) {
    this.bh = ctx.bhNew(cb);
  }
  close() {
    this.bh.delete();
  }
}`,
    },
    {
      name: 'the migration code, fixed: the store is guarded by a check that the field is empty',
      code: `
function migrate_fd_connect(s) {
  if (!s.cleanup_bh) {
    s.cleanup_bh = qemu_bh_new(migrate_fd_cleanup, s);
  }
}
function migrate_fd_cleanup(s) {
  qemu_bh_delete(s.cleanup_bh);
  s.cleanup_bh = null;
}`,
    },
    {
      name: 'a store preceded by a release of the field on every path',
      code: `
class Timer {
  arm(ctx) {
    this.bh?.delete();
    this.bh = ctx.bhNew(cb);
  }
  close() {
    this.bh?.delete();
  }
}`,
    },
    {
      name: 'a nullish assignment only stores when the field is empty',
      code: `
class Timer {
  arm(ctx) {
    this.bh ??= ctx.bhNew(cb);
  }
  close() {
    this.bh?.delete();
  }
}`,
    },
    {
      name: 'a store in a configured init function',
      options: [{ initFunctions: ['dev_realize'] }],
      code: `
function dev_realize(s) {
  s.bh = qemu_bh_new(cb, s);
}
function dev_unrealize(s) {
  qemu_bh_delete(s.bh);
}`,
    },
    {
      name: 'a field released through a local alias',
      code: `
class Worker {
  constructor(ctx) {
    this.bh = ctx.bhNew(cb);
  }
  stop() {
    const bh = this.bh;
    this.bh = undefined;
    bh.delete();
  }
}`,
    },
    {
      name: 'a private field created and deleted',
      code: `
class Worker {
  #bh;
  constructor(ctx) {
    this.#bh = ctx.bhNew(cb);
  }
  [Symbol.dispose]() {
    this.#bh.delete();
  }
}`,
    },
    {
      name: 'a method on the owner may release the field before the store',
      code: `
class Link {
  reconnect(ctx) {
    this.teardown();
    this.bh = ctx.bhNew(cb);
  }
  teardown() {
    this.bh?.delete();
  }
}`,
    },
    {
      name: 'case 4: each pass deletes the field of a new loop binding before storing',
      code: `
function rearm(qs, x) {
  for (const q of qs) {
    qemu_bh_delete(q.bh);
    q.bh = qemu_bh_new(cb, q);
  }
  while (x) {
    const q = next();
    qemu_bh_delete(q.bh);
    q.bh = qemu_bh_new(cb, q);
  }
}`,
    },
    {
      name: 'case 4: a field of an object literal just bound to a local holds nothing yet',
      code: `
function makeState(ctx: AioContext): State {
  const s: State = { ctx };
  s.bh = ctx.bhNew(cb);
  return s;
}
function freeState(s: State) {
  s.bh?.delete();
}`,
    },
    {
      name: 'case 4: a field of a new object just bound to a local holds nothing yet',
      code: `
function makeDev(ctx) {
  const d = new Dev();
  d.bh = ctx.bhNew(cb);
  return d;
}
function freeDev(d) {
  d.bh.delete();
}`,
    },
    {
      name: 'case 4: a check that the field is null guards the store',
      code: `
function connect(s) {
  if (s.bh == null) {
    s.bh = qemu_bh_new(cb, s);
  }
  if (s.other === undefined) {
    s.other = qemu_bh_new(cb, s);
  }
}
function close(s) {
  qemu_bh_delete(s.bh);
  qemu_bh_delete(s.other);
}`,
    },
    {
      name: 'case 4: a check that returns when the field is set guards the store after it',
      code: `
function connect(s) {
  if (s.bh !== undefined) return;
  s.bh = qemu_bh_new(cb, s);
}
function close(s) {
  qemu_bh_delete(s.bh);
}`,
    },
    {
      name: 'case 4: a store in the else branch of a check that the field is set',
      code: `
function connect(s) {
  if (s.bh) {
    qemu_bh_schedule(s.bh);
  } else {
    s.bh = qemu_bh_new(cb, s);
  }
}
function close(s) {
  qemu_bh_delete(s.bh);
}`,
    },
    {
      name: 'case 4: a branch that deletes the set field before the store after it',
      code: `
function connect(s) {
  if (s.bh) {
    qemu_bh_delete(s.bh);
  }
  s.bh = qemu_bh_new(cb, s);
}`,
    },
    {
      name: 'case 3: a subclass in the same file deletes the field of its base class',
      code: `
class Base {
  constructor(ctx) {
    this.bh = ctx.bhNew(cb);
  }
}
class Child extends Base {
  stop() {
    this.bh?.delete();
  }
}`,
    },
    {
      name: 'case 3: a base class in the same file deletes the field a subclass stores',
      code: `
class Base {
  close() {
    this.bh?.delete();
  }
}
class Child extends Base {
  constructor(ctx) {
    super();
    this.bh = ctx.bhNew(cb);
  }
}`,
    },
  ],
  invalid: [
    {
      name: 'case 1: a created bottom half whose value is dropped (method API)',
      code: `
function start(ctx) {
  ctx.bhNew(cb);
}`,
      errors: [{ messageId: 'discarded', line: 3, column: 3 }],
    },
    {
      name: 'case 1: a created bottom half whose value is dropped (QEMU API)',
      code: `
function start(s) {
  qemu_bh_new(cb, s);
}`,
      errors: [{ messageId: 'discarded', line: 3, column: 3 }],
    },
    {
      name: 'case 1: void does not keep it',
      code: `
function start(ctx) {
  void aio_bh_new(ctx, cb, null);
}`,
      errors: [{ messageId: 'discarded', line: 3, column: 8 }],
    },
    {
      name: 'case 1: created, scheduled and dropped (method API) suggests scheduleOneshot',
      code: `
function kick(ctx) {
  ctx.bhNew(cb).schedule();
}`,
      errors: [
        {
          messageId: 'discardedScheduled',
          line: 3,
          column: 3,
          suggestions: [
            {
              messageId: 'suggestOneshot',
              data: { replacement: 'ctx.scheduleOneshot(cb)' },
              output: `
function kick(ctx) {
  ctx.scheduleOneshot(cb);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 1: qemu_bh_schedule(qemu_bh_new(...)) suggests aio_bh_schedule_oneshot',
      code: `
function kick(s) {
  qemu_bh_schedule(qemu_bh_new(cb, s));
}`,
      errors: [
        {
          messageId: 'discardedScheduled',
          line: 3,
          column: 20,
          suggestions: [
            {
              messageId: 'suggestOneshot',
              output: `
function kick(s) {
  aio_bh_schedule_oneshot(qemu_get_aio_context(), cb, s);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 1: qemu_bh_schedule(aio_bh_new(...)) keeps the context',
      code: `
function kick(ctx, s) {
  qemu_bh_schedule(aio_bh_new(ctx, cb, s));
}`,
      errors: [
        {
          messageId: 'discardedScheduled',
          line: 3,
          column: 20,
          suggestions: [
            {
              messageId: 'suggestOneshot',
              output: `
function kick(ctx, s) {
  aio_bh_schedule_oneshot(ctx, cb, s);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 1: aio_bh_new_full scheduled and dropped',
      code: `
function kick(ctx, s) {
  qemu_bh_schedule(aio_bh_new_full(ctx, cb, s, 'kick'));
}`,
      errors: [
        {
          messageId: 'discardedScheduled',
          line: 3,
          column: 20,
          suggestions: [
            {
              messageId: 'suggestOneshot',
              output: `
function kick(ctx, s) {
  aio_bh_schedule_oneshot_full(ctx, cb, s, 'kick');
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 1: optional chaining keeps the optional call in the suggestion',
      code: `
function kick(ctx) {
  ctx?.bhNew(cb, { name: 'kick' }).schedule();
}`,
      errors: [
        {
          messageId: 'discardedScheduled',
          line: 3,
          column: 3,
          suggestions: [
            {
              messageId: 'suggestOneshot',
              output: `
function kick(ctx) {
  ctx?.scheduleOneshot(cb, { name: 'kick' });
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 1: a namespace import of the QEMU facade',
      code: `
function kick(s) {
  qemu.qemu_bh_schedule(qemu.qemu_bh_new(cb, s));
}`,
      errors: [
        {
          messageId: 'discardedScheduled',
          line: 3,
          column: 25,
          suggestions: [
            {
              messageId: 'suggestOneshot',
              output: `
function kick(s) {
  qemu.aio_bh_schedule_oneshot(qemu.qemu_get_aio_context(), cb, s);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 1: scheduled as idle work and dropped has no oneshot equivalent',
      code: `
function idle(ctx) {
  ctx.bhNew(cb).scheduleIdle();
}`,
      errors: [{ messageId: 'discarded', line: 3, column: 3 }],
    },
    {
      name: 'case 1: a configured creator',
      options: [{ creators: ['makeFlushBh'] }],
      code: `
function start(dev) {
  makeFlushBh(dev);
}`,
      errors: [{ messageId: 'discarded', line: 3, column: 3 }],
    },
    {
      name: 'case 1: passed only to a configured borrowing function',
      options: [{ borrowingFunctions: ['trace_bh'] }],
      code: `
function start(ctx) {
  trace_bh(ctx.bhNew(cb));
}`,
      errors: [{ messageId: 'discarded', line: 3, column: 12 }],
    },
    {
      name: 'case 1: without types any bhNew method counts',
      code: `
function start(factory) {
  factory.bhNew(cb);
}`,
      errors: [{ messageId: 'discarded', line: 3, column: 3 }],
    },
    {
      name: 'case 2: the realize error path, an early return loses the local',
      code: `
function realize(ctx, s) {
  const bh = aio_bh_new(ctx, cb, s);
  if (s.error) {
    return -1;
  }
  s.bh = bh;
  return 0;
}`,
      errors: [{ messageId: 'lostAtExit', line: 5, column: 5 }],
    },
    {
      name: 'case 2: a throw leaves the function without deleting',
      code: `
function start(ctx, opts) {
  const bh = ctx.bhNew(cb);
  if (!opts) throw new Error('no options');
  return bh;
}`,
      errors: [{ messageId: 'lostAtExit', line: 4, column: 14 }],
    },
    {
      name: 'case 2: a break out of the loop body that declares it',
      code: `
function scan(ctx, items) {
  for (const item of items) {
    const bh = ctx.bhNew(cb);
    if (item.done) break;
    bh.delete();
  }
}`,
      errors: [{ messageId: 'lostAtExit', line: 5, column: 20 }],
    },
    {
      name: 'case 2: a continue out of the loop body that declares it',
      code: `
function scan(ctx, items) {
  for (const item of items) {
    const bh = ctx.bhNew(cb);
    if (item.skip) continue;
    bh.delete();
  }
}`,
      errors: [{ messageId: 'lostAtExit', line: 5, column: 20 }],
    },
    {
      name: 'case 2: a labelled break out of an outer loop',
      code: `
function scan(ctx, rows) {
  outer: for (const row of rows) {
    for (const cell of row) {
      const bh = ctx.bhNew(cb);
      if (cell) break outer;
      bh.delete();
    }
  }
}`,
      errors: [{ messageId: 'lostAtExit', line: 6, column: 17 }],
    },
    {
      name: 'case 2: a break out of a switch case block',
      code: `
function pick(ctx, kind) {
  switch (kind) {
    case 1: {
      const bh = ctx.bhNew(cb);
      if (busy) break;
      bh.delete();
      break;
    }
  }
}`,
      errors: [{ messageId: 'lostAtExit', line: 6, column: 17 }],
    },
    {
      name: 'case 2: created, scheduled right away and dropped; suggests the oneshot API',
      code: `
function kick(ctx) {
  const bh = ctx.bhNew(cb);
  bh.schedule();
}`,
      errors: [
        {
          messageId: 'lostAtExit',
          line: 5,
          column: 1,
          data: {
            name: 'bh',
            where: 'line 3',
            exit: 'the function ends',
            remedy: ', or use `ctx.scheduleOneshot` instead',
          },
          suggestions: [
            {
              messageId: 'suggestOneshot',
              data: { replacement: 'ctx.scheduleOneshot(cb)' },
              output: `
function kick(ctx) {
  ctx.scheduleOneshot(cb);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 2: lost when the block that declares it ends; scheduled, so oneshot',
      code: `
function kick(ctx, wanted) {
  if (wanted) {
    const bh = ctx.bhNew(cb);
    bh.schedule();
  }
  done();
}`,
      errors: [
        {
          messageId: 'lostAtExit',
          line: 6,
          column: 3,
          suggestions: [
            {
              messageId: 'suggestOneshot',
              output: `
function kick(ctx, wanted) {
  if (wanted) {
    ctx.scheduleOneshot(cb);
  }
  done();
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 2: deleted on one branch only',
      code: `
function run(ctx, fast) {
  const bh = qemu_bh_new(cb, null);
  if (fast) {
    qemu_bh_delete(bh);
  }
}`,
      errors: [{ messageId: 'lostAtExit', line: 7, column: 1 }],
    },
    {
      name: 'case 2: a catch block that returns without deleting',
      code: `
function run(ctx) {
  const bh = ctx.bhNew(cb);
  try {
    work();
  } catch (error) {
    return error;
  }
  bh.delete();
}`,
      errors: [{ messageId: 'lostAtExit', line: 7, column: 5 }],
    },
    {
      name: 'case 2: a finally that does not delete does not save the early return',
      code: `
function run(ctx) {
  const bh = ctx.bhNew(cb);
  try {
    if (busy) return;
  } finally {
    log('run');
  }
  bh.delete();
}`,
      errors: [{ messageId: 'lostAtExit', line: 5, column: 15 }],
    },
    {
      name: 'case 2: a closure that only schedules it does not take it over',
      code: `
function wire(ctx, button) {
  const bh = ctx.bhNew(cb);
  button.onclick = () => bh.schedule();
}`,
      errors: [{ messageId: 'lostAtExit', line: 5, column: 1 }],
    },
    {
      name: 'case 2: in an arrow function',
      code: `
const start = (ctx) => {
  const bh = ctx.bhNew(cb);
  if (closing) return;
  bh.delete();
};`,
      errors: [{ messageId: 'lostAtExit', line: 4, column: 16 }],
    },
    {
      name: 'case 2: passing to an unknown call borrows when so configured',
      options: [{ unknownCallsTakeOwnership: false }],
      code: `
function start(ctx) {
  const bh = ctx.bhNew(cb);
  register(bh);
}`,
      errors: [
        {
          messageId: 'lostAtExit',
          line: 5,
          column: 1,
          suggestions: [
            {
              messageId: 'suggestUsing',
              output: `
function start(ctx) {
  using bh = ctx.bhNew(cb);
  register(bh);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 2: a configured borrowing function does not take it',
      options: [{ borrowingFunctions: ['trace_bh'] }],
      code: `
function start(ctx) {
  const bh = ctx.bhNew(cb);
  trace_bh(bh);
}`,
      errors: [
        {
          messageId: 'lostAtExit',
          line: 5,
          column: 1,
          suggestions: [
            {
              messageId: 'suggestUsing',
              output: `
function start(ctx) {
  using bh = ctx.bhNew(cb);
  trace_bh(bh);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 2: overwriting a local that still holds a live bottom half',
      code: `
function restart(ctx) {
  let bh = ctx.bhNew(first);
  bh = ctx.bhNew(second);
  bh.delete();
}`,
      errors: [{ messageId: 'overwritten', line: 4, column: 8 }],
    },
    {
      name: 'case 2: clearing a local that still holds a live bottom half',
      code: `
function restart(ctx) {
  let bh = ctx.bhNew(cb);
  bh.schedule();
  bh = null;
}`,
      errors: [{ messageId: 'overwritten', line: 5, column: 3 }],
    },
    {
      name: 'case 2: a loop that replaces the bottom half without deleting the previous one',
      code: `
function each(ctx, items) {
  let bh;
  for (const item of items) {
    bh = ctx.bhNew(cb);
  }
  bh.delete();
}`,
      errors: [{ messageId: 'overwritten', line: 5, column: 10 }],
    },
    {
      name: 'case 2: a loop body that never deletes what it schedules; oneshot, not using',
      code: `
function each(ctx, items) {
  for (const item of items) {
    const bh = ctx.bhNew(() => use(item));
    bh.schedule();
  }
}`,
      errors: [
        {
          messageId: 'lostAtExit',
          line: 6,
          column: 3,
          suggestions: [
            {
              messageId: 'suggestOneshot',
              output: `
function each(ctx, items) {
  for (const item of items) {
    ctx.scheduleOneshot(() => use(item));
  }
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 3: a field set in the constructor that the class never deletes',
      code: `
class Device {
  constructor(ctx) {
    this.bh = ctx.bhNew(cb);
  }
  kick() {
    this.bh.schedule();
  }
}`,
      errors: [{ messageId: 'fieldNeverReleased', line: 4, column: 5 }],
    },
    {
      name: 'case 3: a class property initialiser that is never deleted',
      code: `
class Device {
  bh = ctx.bhNew(cb);
}`,
      errors: [{ messageId: 'fieldNeverReleased', line: 3, column: 3 }],
    },
    {
      name: 'case 3: a private field that is never deleted',
      code: `
class Device {
  #bh;
  constructor(ctx) {
    this.#bh = ctx.bhNew(cb);
  }
}`,
      errors: [{ messageId: 'fieldNeverReleased', line: 5, column: 5 }],
    },
    {
      name: 'case 3: a struct field set in an init function that nothing in the file deletes',
      options: [{ initFunctions: ['dev_realize'] }],
      code: `
function dev_realize(s) {
  s.bh = qemu_bh_new(cb, s);
}`,
      errors: [{ messageId: 'fieldNeverReleased', line: 3, column: 3 }],
    },
    {
      name: 'case 4: the migration leak, connect stores over a live cleanup bottom half',
      code: `
function migrate_fd_connect(s) {
  s.cleanup_bh = qemu_bh_new(migrate_fd_cleanup, s);
}
function migrate_fd_cleanup(s) {
  qemu_bh_delete(s.cleanup_bh);
  s.cleanup_bh = null;
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 3, column: 3 }],
    },
    {
      name: 'case 4: a method that replaces the field without deleting it',
      code: `
class Timer {
  constructor(ctx) {
    this.bh = ctx.bhNew(cb);
  }
  rearm(ctx) {
    this.bh = ctx.bhNew(cb);
  }
  close() {
    this.bh.delete();
  }
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 7, column: 5 }],
    },
    {
      name: 'case 4: a release on one branch only does not cover the store',
      code: `
class Timer {
  rearm(ctx, force) {
    if (force) {
      this.bh.delete();
    }
    this.bh = ctx.bhNew(cb);
  }
  close() {
    this.bh?.delete();
  }
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 7, column: 5 }],
    },
    {
      name: 'case 4: the second of two stores on one path',
      code: `
class Timer {
  start(ctx) {
    if (this.bh) return;
    this.bh = ctx.bhNew(first);
    this.bh = ctx.bhNew(second);
  }
  close() {
    this.bh?.delete();
  }
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 6, column: 5 }],
    },
    {
      name: 'cases 3 and 4 together: a field replaced outside the constructor and never deleted',
      code: `
function connect(s) {
  s.bh = aio_bh_new(s.ctx, cb, s);
}`,
      errors: [
        { messageId: 'fieldOverwritten', line: 3, column: 3 },
        { messageId: 'fieldNeverReleased', line: 3, column: 3 },
      ],
    },
    {
      name: 'case 4: a release of the old object does not cover a store after rebinding',
      code: `
function swap(a, b) {
  let s = a;
  qemu_bh_delete(s.bh);
  s = b;
  s.bh = qemu_bh_new(cb, s);
}`,
      errors: [
        {
          messageId: 'fieldOverwritten',
          line: 6,
          column: 3,
          data: { field: 's.bh', where: 'line 6' },
        },
      ],
    },
    {
      name: 'case 4: a release of an outer variable does not cover a shadowing one',
      code: `
function swap(q, other) {
  qemu_bh_delete(q.bh);
  {
    const q = other;
    q.bh = qemu_bh_new(cb, q);
  }
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 6, column: 5 }],
    },
    {
      name: 'case 4: a release does not cover a store after an intermediate member changes',
      code: `
function swap(s, dev) {
  qemu_bh_delete(s.dev.bh);
  s.dev = dev;
  s.dev.bh = qemu_bh_new(cb, s);
}`,
      errors: [
        {
          messageId: 'fieldOverwritten',
          line: 5,
          column: 3,
          data: { field: 's.dev.bh', where: 'line 5' },
        },
      ],
    },
    {
      name: 'case 4: a for-of head assigns a new object to the released variable',
      code: `
function first(q, qs) {
  qemu_bh_delete(q.bh);
  for (q of qs) {
    q.bh = qemu_bh_new(cb, q);
    break;
  }
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 5, column: 5 }],
    },
    {
      name: 'case 2: scheduled, then more work before the end: no using, no oneshot',
      code: `
function kick(ctx) {
  const bh = ctx.bhNew(cb);
  prepare();
  bh.schedule();
}`,
      errors: [
        {
          messageId: 'lostAtExit',
          line: 6,
          column: 1,
          data: { name: 'bh', where: 'line 3', exit: 'the function ends', remedy: '' },
        },
      ],
    },
    {
      name: 'case 2: scheduled inside a closure: no using suggestion',
      code: `
function wire(ctx, button) {
  const bh = ctx.bhNew(cb);
  trace(bh);
  button.onclick = () => bh.schedule();
}`,
      options: [{ unknownCallsTakeOwnership: false }],
      errors: [{ messageId: 'lostAtExit', line: 6, column: 1 }],
    },
    {
      name: 'case 2: scheduled as idle work: no using, and no oneshot equivalent',
      code: `
function idle(ctx) {
  const bh = ctx.bhNew(cb);
  bh.scheduleIdle();
}`,
      errors: [{ messageId: 'lostAtExit', line: 5, column: 1 }],
    },
    {
      name: 'case 2: a QEMU-named local scheduled right away suggests aio_bh_schedule_oneshot',
      code: `
function kick(s) {
  const bh = qemu_bh_new(cb, s);
  // kick the device
  qemu_bh_schedule(bh);
}`,
      errors: [
        {
          messageId: 'lostAtExit',
          line: 6,
          column: 1,
          suggestions: [
            {
              messageId: 'suggestOneshot',
              output: `
function kick(s) {
  aio_bh_schedule_oneshot(qemu_get_aio_context(), cb, s);
  // kick the device
}`,
            },
          ],
        },
      ],
    },
    ...['file.js', 'file.mjs', 'file.cjs'].map((filename) => ({
      name: `case 2: no using suggestion in plain JavaScript (${filename})`,
      filename,
      options: [{ unknownCallsTakeOwnership: false }] as const,
      code: `
function start(ctx) {
  const bh = ctx.bhNew(cb);
  register(bh);
}`,
      errors: [
        {
          messageId: 'lostAtExit' as const,
          line: 5,
          column: 1,
          data: { name: 'bh', where: 'line 3', exit: 'the function ends', remedy: '' },
        },
      ],
    })),
    {
      name: 'case 2: the using suggestion in a .mts file',
      filename: 'file.mts',
      options: [{ unknownCallsTakeOwnership: false }],
      code: `
function start(ctx) {
  const bh = ctx.bhNew(cb);
  register(bh);
}`,
      errors: [
        {
          messageId: 'lostAtExit',
          line: 5,
          column: 1,
          data: {
            name: 'bh',
            where: 'line 3',
            exit: 'the function ends',
            remedy: ', or declare it with `using`',
          },
          suggestions: [
            {
              messageId: 'suggestUsing',
              output: `
function start(ctx) {
  using bh = ctx.bhNew(cb);
  register(bh);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 1: the oneshot name keeps the whole object text of the callee',
      code: `
function kick() {
  get().bhNew(cb).schedule();
}`,
      errors: [
        {
          messageId: 'discardedScheduled',
          line: 3,
          column: 3,
          data: { callee: 'get().bhNew', where: 'line 3', oneshot: 'get().scheduleOneshot' },
          suggestions: [
            {
              messageId: 'suggestOneshot',
              output: `
function kick() {
  get().scheduleOneshot(cb);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 1: a callee written over several lines is named on one line',
      code: `
function kick(ctx) {
  ctx
    .bhNew(cb)
    .schedule();
}`,
      errors: [
        {
          messageId: 'discardedScheduled',
          line: 3,
          column: 3,
          data: { callee: 'ctx.bhNew', where: 'line 3', oneshot: 'ctx.scheduleOneshot' },
          suggestions: [
            {
              messageId: 'suggestOneshot',
              output: `
function kick(ctx) {
  ctx.scheduleOneshot(cb);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 1: the oneshot suggestion keeps the options object and comments',
      code: `
function kick(ctx, name) {
  ctx.bhNew(cb /* flush */, { name }).schedule();
}`,
      errors: [
        {
          messageId: 'discardedScheduled',
          line: 3,
          column: 3,
          suggestions: [
            {
              messageId: 'suggestOneshot',
              data: { replacement: 'ctx.scheduleOneshot(cb /* flush */, { name })' },
              output: `
function kick(ctx, name) {
  ctx.scheduleOneshot(cb /* flush */, { name });
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'case 1: two creations on one line are told apart by column',
      code: `
function start(ctx) {
  ctx.bhNew(a); ctx.bhNew(b);
}`,
      errors: [
        {
          messageId: 'discarded',
          line: 3,
          column: 3,
          data: { callee: 'ctx.bhNew', where: 'line 3, column 3' },
        },
        {
          messageId: 'discarded',
          line: 3,
          column: 17,
          data: { callee: 'ctx.bhNew', where: 'line 3, column 17' },
        },
      ],
    },
    {
      name: 'case 4: a field the object literal fills with a creation is live',
      code: `
function make(ctx) {
  const s = { bh: ctx.bhNew(a) };
  s.bh = ctx.bhNew(b);
  return s;
}
function free(s) {
  s.bh.delete();
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 4, column: 3 }],
    },
    {
      name: 'case 4: the second store into a field of a new object',
      code: `
function make(ctx) {
  const s = {};
  s.bh = ctx.bhNew(a);
  s.bh = ctx.bhNew(b);
  return s;
}
function free(s) {
  s.bh.delete();
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 5, column: 3 }],
    },
    {
      name: 'case 4: a store on the branch where the field is set',
      code: `
function connect(s) {
  if (s.other) {
    s.other = s.ctx.bhNew(cb);
  }
}
function close(s) {
  s.other?.delete();
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 4, column: 5 }],
    },
    {
      name: 'case 4: a store on the branch where the field is not null',
      code: `
function connect(s) {
  if (s.bh != null && ready) {
    s.bh = qemu_bh_new(cb, s);
  }
}
function close(s) {
  qemu_bh_delete(s.bh);
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 4, column: 5 }],
    },
    {
      name: 'case 4: a check whose set branch falls through does not guard the store after it',
      code: `
function connect(s) {
  if (s.bh) {
    log('reconnect');
  }
  s.bh = qemu_bh_new(cb, s);
}
function close(s) {
  qemu_bh_delete(s.bh);
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 6, column: 3 }],
    },
    {
      name: 'case 4: the second store of a field in a constructor',
      code: `
class Timer {
  constructor(ctx) {
    this.bh = ctx.bhNew(first);
    this.bh = ctx.bhNew(second);
  }
  close() {
    this.bh.delete();
  }
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 5, column: 5 }],
    },
    {
      name: 'case 4: a store in a constructor loop overwrites the previous pass',
      code: `
class Pool {
  constructor(ctx, n) {
    for (let i = 0; i < n; i++) {
      this.bh = ctx.bhNew(cb);
    }
  }
  close() {
    this.bh.delete();
  }
}`,
      errors: [{ messageId: 'fieldOverwritten', line: 5, column: 7 }],
    },
  ],
});
