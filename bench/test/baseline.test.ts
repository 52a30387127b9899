import { describe, expect, test } from 'vitest';
import { BaselineContext } from '../baseline/list-context.js';

describe('the baseline context (pre-redesign algorithm)', () => {
  test('a scheduled BH runs once per schedule; an unscheduled one never runs', () => {
    const context = new BaselineContext();
    const ran: string[] = [];
    context.bhNew(() => ran.push('idle'));
    const bh = context.bhNew(() => ran.push('busy'));

    bh.schedule();
    expect(context.bhPoll()).toBe(true);
    expect(context.bhPoll()).toBe(false);
    bh.schedule();
    expect(context.bhPoll()).toBe(true);

    expect(ran).toEqual(['busy', 'busy']);
  });

  test('a cancelled BH does not run', () => {
    const context = new BaselineContext();
    let ran = 0;
    const bh = context.bhNew(() => ran++);

    bh.schedule();
    bh.cancel();

    expect(context.bhPoll()).toBe(false);
    expect(ran).toBe(0);
  });

  test('a deleted BH does not run and is swept; the others keep running', () => {
    const context = new BaselineContext();
    const ran: number[] = [];
    const bhs = [0, 1, 2].map((i) => context.bhNew(() => ran.push(i)));

    for (const bh of bhs) {
      bh.schedule();
    }
    bhs[1]?.delete();
    bhs[0]?.delete();
    expect(context.bhPoll()).toBe(true);
    expect(context.hasDeleted).toBe(false);
    bhs[2]?.schedule();
    context.bhPoll();

    expect(ran).toEqual([2, 2]);
  });

  test('a BH deleted during a nested poll is swept only by the outermost poll', () => {
    const context = new BaselineContext();
    const ran: string[] = [];
    const inner = context.bhNew(() => ran.push('inner'));
    const outer = context.bhNew(() => {
      ran.push('outer');
      inner.delete();
      context.bhPoll();
      expect(context.hasDeleted).toBe(true);
    });

    outer.schedule();
    context.bhPoll();

    expect(ran).toEqual(['outer']);
    expect(context.hasDeleted).toBe(false);
  });
});
