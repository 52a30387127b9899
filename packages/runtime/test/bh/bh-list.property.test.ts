// Random sequences of BH operations, run against the runtime and against a small executable model
// of the semantics (plain arrays, written straight from the rules), must never diverge.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AioContext, BhFlag, BhsanError, type BottomHalf } from '../../src/index.js';

const { PENDING: P, SCHEDULED: S, DELETED: D, IDLE: I } = BhFlag;

/** What a BH's callback does on its next run, besides logging (one-time). */
type Action =
  | { readonly kind: 'schedule'; readonly target: number }
  | { readonly kind: 'delete'; readonly target: number }
  | { readonly kind: 'nestedPoll' }
  | { readonly kind: 'throw' };

type Command =
  | { readonly op: 'new' }
  | { readonly op: 'schedule' | 'idle' | 'cancel' | 'delete'; readonly bh: number }
  | { readonly op: 'oneshot' }
  | { readonly op: 'poll' }
  | { readonly op: 'arm'; readonly bh: number; readonly action: Action };

/** The rules of the issue, as directly as arrays allow. BH ids are indexes; oneshots are 'o<n>'. */
class Model {
  readonly flags: number[] = [];
  readonly actions: Array<Action | undefined> = [];
  /** Head first. */
  list: string[] = [];
  slices: string[][] = [];
  readonly log: string[] = [];
  private readonly oneshotFlags = new Map<string, number>();

  add(): void {
    this.flags.push(0);
    this.actions.push(undefined);
  }

  private flagsOf(id: string): number {
    return id.startsWith('o') ? (this.oneshotFlags.get(id) as number) : (this.flags[+id] as number);
  }

  private setFlags(id: string, value: number): void {
    if (id.startsWith('o')) this.oneshotFlags.set(id, value);
    else this.flags[+id] = value;
  }

  private enqueue(id: string, flag: number): void {
    const old = this.flagsOf(id);
    this.setFlags(id, old | P | flag);
    if ((old & P) === 0) this.list.unshift(id);
  }

  use(op: 'schedule' | 'idle' | 'cancel' | 'delete', bh: number): void {
    if ((this.flags[bh] as number) & D) throw new Error('BHSAN_USE_AFTER_DELETE');
    if (op === 'schedule') this.enqueue(String(bh), S);
    else if (op === 'idle') this.enqueue(String(bh), S | I);
    else if (op === 'cancel') this.flags[bh] = (this.flags[bh] as number) & ~S;
    else this.enqueue(String(bh), D);
  }

  oneshot(n: number): void {
    this.oneshotFlags.set(`o${n}`, 8);
    this.enqueue(`o${n}`, S);
  }

  poll(): boolean {
    this.slices.push(this.list);
    this.list = [];
    let progress = false;
    while (this.slices.length > 0) {
      const slice = this.slices[0] as string[];
      const id = slice.shift();
      if (id === undefined) {
        this.slices.shift();
        continue;
      }
      const flags = this.flagsOf(id);
      this.setFlags(id, flags & ~(P | S | I));
      if ((flags & (S | D)) === S) {
        if ((flags & I) === 0) progress = true;
        this.run(id);
      }
    }
    return progress;
  }

  private run(id: string): void {
    this.log.push(id);
    if (id.startsWith('o')) return;
    const action = this.actions[+id];
    this.actions[+id] = undefined;
    if (action === undefined) return;
    if (action.kind === 'schedule') this.use('schedule', action.target);
    else if (action.kind === 'delete') this.use('delete', action.target);
    else if (action.kind === 'nestedPoll') this.log.push(`nested:${this.poll()}`);
    else throw new Error('callback threw');
  }

  timeout(): number {
    let timeout = -1;
    for (const id of [...this.list, ...this.slices.flat()]) {
      const flags = this.flagsOf(id);
      if ((flags & (S | D)) !== S) continue;
      if ((flags & I) === 0) return 0;
      timeout = 10_000_000;
    }
    return timeout;
  }
}

/** The runtime, driven the same way. */
class Real {
  readonly ctx = new AioContext({ name: 'property' });
  readonly bhs: BottomHalf[] = [];
  readonly actions: Array<Action | undefined> = [];
  readonly log: string[] = [];

  add(): void {
    const id = this.bhs.length;
    this.actions.push(undefined);
    this.bhs.push(this.ctx.bhNew(() => this.run(id), { name: `bh${id}` }));
  }

  use(op: 'schedule' | 'idle' | 'cancel' | 'delete', bh: number): void {
    const target = this.bhs[bh] as BottomHalf;
    if (op === 'schedule') target.schedule();
    else if (op === 'idle') target.scheduleIdle();
    else if (op === 'cancel') target.cancel();
    else target.delete();
  }

  oneshot(n: number): void {
    this.ctx.scheduleOneshot(() => this.log.push(`o${n}`));
  }

  private run(id: number): void {
    this.log.push(String(id));
    const action = this.actions[id];
    this.actions[id] = undefined;
    if (action === undefined) return;
    if (action.kind === 'schedule') this.use('schedule', action.target);
    else if (action.kind === 'delete') this.use('delete', action.target);
    else if (action.kind === 'nestedPoll') this.log.push(`nested:${this.ctx.bhPoll()}`);
    else throw new Error('callback threw');
  }
}

/** Runs `fn`, returning its result or the error's code (or message). */
function outcome(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: error instanceof BhsanError ? error.code : (error as Error).message };
  }
}

const MAX_BHS = 6;
const index = fc.integer({ min: 0, max: MAX_BHS - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  index.map((target) => ({ kind: 'schedule' as const, target })),
  index.map((target) => ({ kind: 'delete' as const, target })),
  fc.constant({ kind: 'nestedPoll' as const }),
  fc.constant({ kind: 'throw' as const }),
);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ op: 'new' as const }) },
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constantFrom(
        'schedule' as const,
        'idle' as const,
        'cancel' as const,
        'delete' as const,
      ),
      bh: index,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'oneshot' as const }) },
  { weight: 4, arbitrary: fc.constant({ op: 'poll' as const }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('arm' as const), bh: index, action }) },
);

function runBoth(commands: readonly Command[]): void {
  const model = new Model();
  const real = new Real();
  let oneshots = 0;

  for (const [step, cmd] of commands.entries()) {
    let expected: unknown;
    let actual: unknown;
    if (cmd.op === 'new') {
      if (real.bhs.length === MAX_BHS) continue;
      model.add();
      real.add();
    } else if (cmd.op === 'oneshot') {
      model.oneshot(oneshots);
      real.oneshot(oneshots);
      oneshots++;
    } else if (cmd.op === 'poll') {
      expected = outcome(() => model.poll());
      actual = outcome(() => real.ctx.bhPoll());
    } else if (cmd.op === 'arm') {
      if (cmd.bh >= real.bhs.length) continue;
      const valid = cmd.action.kind === 'throw' || cmd.action.kind === 'nestedPoll';
      if (!valid && (cmd.action as { target: number }).target >= real.bhs.length) continue;
      model.actions[cmd.bh] = cmd.action;
      real.actions[cmd.bh] = cmd.action;
    } else {
      if (cmd.bh >= real.bhs.length) continue;
      expected = outcome(() => model.use(cmd.op, cmd.bh));
      actual = outcome(() => real.use(cmd.op, cmd.bh));
    }

    const where = `step ${step}: ${JSON.stringify(cmd)}`;
    expect(actual, where).toEqual(expected);
    expect(real.log, where).toEqual(model.log);
    expect(
      real.bhs.map((bh) => bh.flags),
      where,
    ).toEqual(model.flags);
    expect(real.ctx.computeTimeout(), where).toBe(model.timeout());
  }

  // Clean up: delete what is left, drain, and finalize must then find nothing.
  for (const bh of real.bhs) if (!bh.deleted) bh.delete();
  real.actions.fill(undefined);
  for (let i = 0; i < 10 && real.ctx.computeTimeout() !== -1; i++) real.ctx.bhPoll();
  real.ctx.bhPoll();
  real.ctx.finalize();
}

describe('the BH list against its model', () => {
  it('random new/schedule/idle/cancel/delete/oneshot/poll/nested-poll sequences agree', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 60 }), (commands) => {
        runBoth(commands);
      }),
      { numRuns: 1000 },
    );
  });

  it('the model itself pins a known sequence (a nested poll drains the outer slice first)', () => {
    const model = new Model();
    [0, 1, 2].forEach(() => model.add());
    model.actions[2] = { kind: 'nestedPoll' };
    model.use('schedule', 0);
    model.use('schedule', 1);
    model.use('schedule', 2);
    expect(model.poll()).toBe(true);
    expect(model.log).toEqual(['2', '1', '0', 'nested:true']);
  });
});
