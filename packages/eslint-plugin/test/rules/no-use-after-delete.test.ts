// `no-use-after-delete` without type information.
import rule from '../../src/rules/no-use-after-delete.js';
import { untypedTester } from '../rule-tester.js';

untypedTester().run('no-use-after-delete', rule, {
  valid: [
    {
      name: 'scheduled, then deleted',
      code: `
function run(bh) {
  bh.schedule();
  bh.delete();
}`,
    },
    {
      name: 'a new bottom half is assigned before it is used again',
      code: `
function run(ctx, bh) {
  bh.delete();
  bh = ctx.bhNew(cb);
  bh.schedule();
}`,
    },
    {
      name: 'a delete that returns does not reach the schedule',
      code: `
function run(bh, done) {
  if (done) {
    bh.delete();
    return;
  }
  bh.schedule();
}`,
    },
    {
      name: 'checking .deleted first',
      code: `
function run(bh) {
  bh.delete();
  if (!bh.deleted) bh.schedule();
}`,
    },
    {
      name: 'a delete inside a closure is not on the same path',
      code: `
function run(bh) {
  setTimeout(() => bh.delete());
  bh.schedule();
}`,
    },
    {
      name: 'a fresh binding on each loop iteration',
      code: `
function each(ctx, items) {
  for (const item of items) {
    const bh = ctx.bhNew(cb);
    bh.schedule();
    bh.delete();
  }
}`,
    },
    {
      name: 'a method call on the owner may store a new bottom half in the field',
      code: `
class Timer {
  restart() {
    this.bh.delete();
    this.rearm();
    this.bh.schedule();
  }
}`,
    },
    {
      name: 'QEMU API: the field is replaced before it is scheduled',
      code: `
function restart(s) {
  qemu_bh_delete(s.bh);
  s.bh = qemu_bh_new(cb, s);
  qemu_bh_schedule(s.bh);
}`,
    },
    {
      name: 'Map.delete(key) takes an argument and is not a bottom half delete',
      code: `
function evict(cache, key) {
  cache.delete(key);
  cache.cancel();
}`,
    },
    {
      name: 'Symbol.dispose after delete is not reported',
      code: `
function run(bh) {
  bh.delete();
  bh[Symbol.dispose]();
}`,
    },
  ],
  invalid: [
    {
      name: 'method API: scheduled after delete',
      code: `
function run(bh) {
  bh.delete();
  bh.schedule();
}`,
      errors: [
        {
          messageId: 'useAfterDelete',
          line: 4,
          column: 3,
          data: { name: 'bh', usedAs: 'scheduled', line: 3 },
        },
      ],
    },
    {
      name: 'QEMU API: qemu_bh_schedule after qemu_bh_delete',
      code: `
function run(s) {
  qemu_bh_delete(s.bh);
  qemu_bh_schedule(s.bh);
}`,
      errors: [{ messageId: 'useAfterDelete', line: 4, column: 3 }],
    },
    {
      name: 'deleted twice',
      code: `
function run(bh) {
  qemu_bh_delete(bh);
  bh.delete();
}`,
      errors: [
        {
          messageId: 'useAfterDelete',
          line: 4,
          column: 3,
          data: { name: 'bh', usedAs: 'deleted again', line: 3 },
        },
      ],
    },
    {
      name: 'cancelled and scheduled as idle work after delete',
      code: `
function run(bh) {
  bh.delete();
  bh.cancel();
  qemu_bh_schedule_idle(bh);
}`,
      errors: [
        {
          messageId: 'useAfterDelete',
          line: 4,
          column: 3,
          data: { name: 'bh', usedAs: 'cancelled', line: 3 },
        },
        { messageId: 'useAfterDelete', line: 5, column: 3 },
      ],
    },
    {
      name: 'deleted on one branch, scheduled after the branches join',
      code: `
function run(bh, done) {
  if (done) {
    bh.delete();
  }
  bh.schedule();
}`,
      errors: [
        {
          messageId: 'useAfterDelete',
          line: 6,
          column: 3,
          data: { name: 'bh', usedAs: 'scheduled', line: 4 },
        },
      ],
    },
    {
      name: 'a loop that schedules and deletes the same bottom half on every iteration',
      code: `
function each(bh, items) {
  for (const item of items) {
    bh.schedule();
    bh.delete();
  }
}`,
      errors: [
        { messageId: 'useAfterDelete', line: 4, column: 5 },
        { messageId: 'useAfterDelete', line: 5, column: 5 },
      ],
    },
    {
      name: 'a field deleted then scheduled',
      code: `
class Timer {
  stop() {
    this.bh.delete();
    this.bh.schedule();
  }
}`,
      errors: [
        {
          messageId: 'useAfterDelete',
          line: 5,
          column: 5,
          data: { name: 'this.bh', usedAs: 'scheduled', line: 4 },
        },
      ],
    },
    {
      name: 'disposed, then scheduled',
      code: `
function run(bh) {
  bh[Symbol.dispose]();
  bh.schedule();
}`,
      errors: [{ messageId: 'useAfterDelete', line: 4, column: 3 }],
    },
    {
      name: 'optional chaining on both calls',
      code: `
function run(bh) {
  bh?.delete();
  bh?.schedule();
}`,
      errors: [{ messageId: 'useAfterDelete', line: 4, column: 3 }],
    },
    {
      name: 'a configured releaser deletes it',
      options: [{ releasers: ['destroy_bh'] }],
      code: `
function run(bh) {
  destroy_bh(bh);
  bh.schedule();
}`,
      errors: [{ messageId: 'useAfterDelete', line: 4, column: 3 }],
    },
    {
      name: 'in an arrow function, after try/finally deletes it',
      code: `
const run = (bh) => {
  try {
    work();
  } finally {
    bh.delete();
  }
  bh.schedule();
};`,
      errors: [{ messageId: 'useAfterDelete', line: 8, column: 3 }],
    },
  ],
});
