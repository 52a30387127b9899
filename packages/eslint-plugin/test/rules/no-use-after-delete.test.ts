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
    {
      name: 'a for-of loop deletes the field of a new binding on each pass',
      code: `
function drain(queues) {
  for (const queue of queues) queue.bh.delete();
}`,
    },
    {
      name: 'a for-of loop cancels then deletes the field of a new binding on each pass',
      code: `
function drain(qs) {
  for (const q of qs) {
    q.bh.cancel();
    q.bh.delete();
  }
}`,
    },
    {
      name: 'a const declared in a for-loop body is a new binding on each pass',
      code: `
function drain(qs, n) {
  for (let i = 0; i < n; i++) {
    const q = qs[i];
    q.bh.delete();
  }
}`,
    },
    {
      name: 'a const declared in a while-loop body is a new binding on each pass',
      code: `
function drain(x) {
  while (x) {
    const q = next();
    q.bh.delete();
  }
}`,
    },
    {
      name: 'a for-in loop head binds the variable afresh on each pass',
      code: `
function drain(byName) {
  for (const name in byName) {
    qemu_bh_delete(byName[name]);
  }
  for (var key in byName) {
    const q = byName[key];
    q.bh.delete();
  }
}`,
    },
    {
      name: 'a for-of loop that assigns an outer variable deletes a new bottom half each pass',
      code: `
function drain(qs) {
  let q;
  for (q of qs) {
    q.bh.delete();
  }
}`,
    },
    {
      name: 'a destructured loop binding is a new binding on each pass',
      code: `
function drain(entries) {
  for (const { bh } of entries) bh.delete();
  for (const [, handle] of entries) qemu_bh_delete(handle);
}`,
    },
    {
      name: 'assigning another object to the root variable forgets its fields',
      code: `
function drain(first, other) {
  let q = first;
  q.bh.delete();
  q = other;
  q.bh.delete();
}`,
    },
    {
      name: 'assigning an intermediate member forgets the fields reached through it',
      code: `
function swap(s, dev) {
  qemu_bh_delete(s.dev.bh);
  s.dev = dev;
  qemu_bh_schedule(s.dev.bh);
}`,
    },
    {
      name: 'a destructuring assignment forgets the names it writes',
      code: `
function swap(a, b) {
  let q = a;
  q.bh.delete();
  [q] = [b];
  q.bh.delete();
}`,
    },
    {
      name: 'a new bottom half stored in the field after qemu_bh_delete may be scheduled',
      code: `
function restart(s) {
  qemu_bh_delete(s.bh);
  s.bh = qemu_bh_new(cb, s);
  qemu_bh_schedule(s.bh);
  qemu_bh_delete(s.bh);
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
          data: { name: 'bh', usedAs: 'scheduled', where: 'on line 3' },
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
          data: { name: 'bh', usedAs: 'deleted again', where: 'on line 3' },
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
          data: { name: 'bh', usedAs: 'cancelled', where: 'on line 3' },
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
          data: { name: 'bh', usedAs: 'scheduled', where: 'on line 4' },
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
          data: { name: 'this.bh', usedAs: 'scheduled', where: 'on line 4' },
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
    {
      name: 'a variable declared before the loop is deleted again on the second pass',
      code: `
function drain(qs) {
  const q = qs[0];
  for (;;) {
    q.bh.delete();
  }
}`,
      errors: [
        {
          messageId: 'useAfterDelete',
          line: 5,
          column: 5,
          data: { name: 'q.bh', usedAs: 'deleted again', where: 'on an earlier pass of the loop' },
        },
      ],
    },
    {
      name: 'the same binding deleted twice in a row',
      code: `
function run(bh) {
  bh.delete();
  bh.delete();
}`,
      errors: [
        {
          messageId: 'useAfterDelete',
          line: 4,
          column: 3,
          data: { name: 'bh', usedAs: 'deleted again', where: 'on line 3' },
        },
      ],
    },
    {
      name: 'the field of a loop binding deleted twice in one pass',
      code: `
function drain(queues) {
  for (const queue of queues) {
    queue.bh.delete();
    queue.bh.schedule();
  }
}`,
      errors: [
        {
          messageId: 'useAfterDelete',
          line: 5,
          column: 5,
          data: { name: 'queue.bh', usedAs: 'scheduled', where: 'on line 4' },
        },
      ],
    },
    {
      name: 'a var without an initialiser in a loop body keeps its value',
      code: `
function drain(first, x) {
  var q = first;
  while (x) {
    var q;
    q.bh.delete();
  }
}`,
      errors: [
        {
          messageId: 'useAfterDelete',
          line: 6,
          column: 5,
          data: { name: 'q.bh', usedAs: 'deleted again', where: 'on an earlier pass of the loop' },
        },
      ],
    },
    {
      name: 'assigning a sibling field does not forget the deleted one',
      code: `
function swap(s, dev) {
  qemu_bh_delete(s.dev.bh);
  s.other = dev;
  qemu_bh_schedule(s.dev.bh);
}`,
      errors: [
        {
          messageId: 'useAfterDelete',
          line: 5,
          column: 3,
          data: { name: 's.dev.bh', usedAs: 'scheduled', where: 'on line 3' },
        },
      ],
    },
    {
      name: 'a deletion and a use on one line: the message names the column of the deletion',
      code: `
function run(bh) {
  bh.delete(); bh.schedule();
}`,
      errors: [
        {
          messageId: 'useAfterDelete',
          line: 3,
          column: 16,
          data: { name: 'bh', usedAs: 'scheduled', where: 'on line 3, column 3' },
        },
      ],
    },
  ],
});
