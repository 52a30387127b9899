import rule from '../../src/rules/no-leaked-bh.js';
import { untypedTester } from '../rule-tester.js';

const shapes = {
  loopDeleteThenStore: `
function f(qs) {
  for (const q of qs) { qemu_bh_delete(q.bh); q.bh = qemu_bh_new(cb, q); }
}`,
  loopLocal: `
function f(ctx, x) {
  while (x) { const q = next(); const bh = ctx.bhNew(cb); q.bh = bh; }
}`,
  loopLocalDelete: `
function f(ctx, qs) {
  for (const q of qs) { const bh = ctx.bhNew(cb); bh.schedule(); bh.delete(); }
}`,
  loopLocalIdx: `
function f(ctx, qs, n) {
  for (let i = 0; i < n; i++) { const q = qs[i]; const bh = ctx.bhNew(cb); bh.delete(); q.bh.delete(); }
}`,
  rebindStraight: `
function f(a, b) {
  let s = a;
  qemu_bh_delete(s.bh);
  s = b;
  s.bh = qemu_bh_new(cb, s);
}`,
  shadowLoop: `
function f(q, qs) {
  qemu_bh_delete(q.bh);
  for (const q of qs) { q.bh = qemu_bh_new(cb, q); }
}`,
  shadowBlock: `
function f(q, other) {
  qemu_bh_delete(q.bh);
  { const q = other; q.bh = qemu_bh_new(cb, q); }
}`,
  memberRebind: `
function f(s, dev) {
  qemu_bh_delete(s.dev.bh);
  s.dev = dev;
  s.dev.bh = qemu_bh_new(cb, s);
}`,
};
untypedTester().run('scratch', rule, {
  valid: Object.entries(shapes).map(([name, code]) => ({ name, code })),
  invalid: [],
});
