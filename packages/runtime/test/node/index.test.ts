import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AioContext, ClockType, MainContext, SCALE_MS, clocks } from '../../src/index.js';
import { MAX_TIMEOUT_MS, attachToNodeLoop } from '../../src/node/index.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `test/fixtures/<name>` in a child Node process (through tsx) and waits for it. */
function runFixture(name: string, ...args: string[]): SpawnSyncReturns<string> {
  const fixture = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  return spawnSync(process.execPath, ['--import', 'tsx', fixture, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('attachToNodeLoop', () => {
  it('runs a scheduled BH with nobody calling poll', async () => {
    const ctx = new AioContext();
    const driver = attachToNodeLoop(ctx);
    let runs = 0;
    const bh = ctx.bhNew(() => runs++);
    bh.schedule();
    expect(runs).toBe(0);

    await turn();
    expect(runs).toBe(1);
    expect(driver.stats.progress).toBe(1);
    bh.delete();
    await turn();
    driver.stop();
    ctx.finalize();
  });

  it('runs a realtime timer once its deadline passes', async () => {
    const ctx = new AioContext();
    const driver = attachToNodeLoop(ctx);
    let ranAt = -1;
    const timer = ctx.timerNew(ClockType.REALTIME, SCALE_MS, () => {
      ranAt = clocks.now(ClockType.REALTIME);
    });
    timer.mod(clocks.now(ClockType.REALTIME) / SCALE_MS + 20);
    const deadline = timer.expireTime;

    while (ranAt === -1) await sleep(5);
    expect(ranAt).toBeGreaterThanOrEqual(deadline);
    timer.free();
    driver.stop();
    ctx.finalize();
  });

  it('runs a virtual timer when the program advances the clock', async () => {
    const ctx = new AioContext();
    const driver = attachToNodeLoop(ctx);
    let runs = 0;
    const timer = ctx.timerNew(ClockType.VIRTUAL, 1, () => runs++);
    timer.mod(clocks.now(ClockType.VIRTUAL) + 100);
    await turn();
    expect(runs).toBe(0);
    clocks.virtual.advance(100);
    await turn();
    expect(runs).toBe(1);
    timer.free();
    driver.stop();
    ctx.finalize();
  });

  it('drives a MainContext and its attached sources', async () => {
    const main = new MainContext();
    const ctx = new AioContext();
    main.attach(ctx.source);
    const driver = attachToNodeLoop(main);
    const log: string[] = [];
    const bh = ctx.bhNew(() => log.push('ran'));
    bh.schedule();
    await turn();
    expect(log).toEqual(['ran']);
    bh.delete();
    await turn();
    driver.stop();
    ctx.finalize();
  });

  it('hands a throwing callback to onError and keeps running the others', async () => {
    const ctx = new AioContext();
    const errors: unknown[] = [];
    const driver = attachToNodeLoop(ctx, { onError: (e) => errors.push(e) });
    const log: string[] = [];
    const good = ctx.bhNew(() => log.push('good'));
    const bad = ctx.bhNew(() => {
      throw new Error('bad BH');
    });
    good.schedule();
    bad.schedule();

    await turn();
    await turn();
    expect(errors.map((e) => (e as Error).message)).toEqual(['bad BH']);
    expect(log).toEqual(['good']);
    expect(driver.stats.errors).toBe(1);
    good.delete();
    bad.delete();
    await turn();
    driver.stop();
    ctx.finalize();
  });

  it('does nothing after stop()', async () => {
    const ctx = new AioContext();
    const driver = attachToNodeLoop(ctx);
    driver.stop();
    expect(driver.stopped).toBe(true);
    let runs = 0;
    const bh = ctx.bhNew(() => runs++);
    bh.schedule();
    await turn();
    expect(runs).toBe(0);
    bh.delete();
    ctx.poll(false);
    ctx.finalize();
  });

  it('stops itself when its context is finalized', () => {
    const ctx = new AioContext();
    const driver = attachToNodeLoop(ctx);
    expect(driver.stopped).toBe(false);
    ctx.finalize();
    expect(driver.stopped).toBe(true);
  });

  it('refuses a finalized context and bad options, naming the argument', () => {
    const done = new AioContext({ name: 'driver-done' });
    done.finalize();
    expect(() => attachToNodeLoop(done)).toThrow(
      `\`attachToNodeLoop()\` in context '${done.name}', which was already finalized.`,
    );
    const ctx = new AioContext();
    expect(() => attachToNodeLoop(ctx, { onError: 5 as unknown as () => void })).toThrow(
      'attachToNodeLoop(options.onError): onError must be a function, got number',
    );
    expect(() => attachToNodeLoop({} as AioContext)).toThrow(
      'attachToNodeLoop(target): the target must be an AioContext or a MainContext',
    );
    ctx.finalize();
  });

  it('waits at most MAX_TIMEOUT_MS at a time for a realtime deadline beyond it', async () => {
    expect(MAX_TIMEOUT_MS).toBe(2_147_483_647);
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on('warning', onWarning);
    const ctx = new AioContext();
    const timer = ctx.timerNew(ClockType.REALTIME, SCALE_MS, () => {});
    timer.mod(clocks.now(ClockType.REALTIME) / SCALE_MS + 2 ** 32);
    const driver = attachToNodeLoop(ctx);

    await sleep(50);
    process.off('warning', onWarning);
    // An overflowing setTimeout would have fired every millisecond.
    expect(driver.stats.iterations).toBe(0);
    expect(warnings).toEqual([]);
    timer.free();
    driver.stop();
    ctx.finalize();
  });

  it.each(['del', 'free', 'finalize', 'finalize-main-context'])(
    'in a child process: %s of the only timer lets the process exit before its deadline',
    (how) => {
      const child = runFixture('node-driver-release.ts', how);
      const finalizeLine = how.startsWith('finalize')
        ? 'finalize: BHSAN_UNDELETED_AT_FINALIZE\n'
        : '';
      expect(child.stderr).toBe('');
      expect(child.signal).toBe(null);
      expect(child.status).toBe(0);
      expect(child.stdout).toBe(
        'armed, pending true\n' +
          finalizeLine +
          `${how}: pending false\n` +
          `exit, driver stopped ${how === 'finalize'}\n`,
      );
    },
  );

  it('in a child process: runs BHs and timers without poll, then lets the process exit', () => {
    const child = runFixture('node-driver-exit.ts');
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toBe(
      'scheduled\nbh ran\ntimer ran, waited 30 ms: true\nexit: iterations true, errors 0\n',
    );
  });
});
