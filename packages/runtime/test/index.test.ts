import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as runtime from '../src/index.js';
import * as qemu from '../src/qemu/index.js';

const src = fileURLToPath(new URL('../src', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('entry points', () => {
  it('the main entry exports the idiomatic API and the tracker', () => {
    expect(Object.keys(runtime).sort()).toEqual([
      'AioContext',
      'AioSource',
      'BhFlag',
      'BhsanError',
      'BlockingPollWouldHangError',
      'BlockingUnsupportedError',
      'BottomHalf',
      'ClockError',
      'ClockType',
      'ContextFinalizedError',
      'FinalizeDuringPollError',
      'IDLE_BH_TIMEOUT_NS',
      'InvalidArgumentError',
      'MainContext',
      'SCALE_MS',
      'SCALE_NS',
      'SCALE_US',
      'Timer',
      'TimerUseAfterFreeError',
      'UndeletedBottomHalvesError',
      'UseAfterDeleteError',
      'clocks',
      'mainLoopContext',
      'tracker',
    ]);
  });

  it('the QEMU facade has every name the issue lists, as functions or constants', () => {
    const functions = [
      'aio_context_new',
      'aio_context_unref',
      'qemu_get_aio_context',
      'aio_bh_new',
      'aio_bh_new_full',
      'qemu_bh_new',
      'aio_bh_schedule_oneshot',
      'qemu_bh_schedule',
      'qemu_bh_schedule_idle',
      'qemu_bh_cancel',
      'qemu_bh_delete',
      'aio_bh_poll',
      'aio_poll',
      'aio_compute_timeout',
      'aio_notify',
      'aio_get_g_source',
      'g_main_context_new',
      'g_main_context_default',
      'g_source_attach',
      'g_main_context_iteration',
      'aio_timer_new',
      'timer_mod',
      'timer_del',
      'timer_free',
      'timer_pending',
      'qemu_clock_get_ns',
    ] as const;
    const facade = qemu as unknown as Record<string, unknown>;
    expect(functions.filter((name) => typeof facade[name] !== 'function')).toEqual([]);
    expect([qemu.QEMU_CLOCK_REALTIME, qemu.QEMU_CLOCK_VIRTUAL]).toEqual([0, 1]);
    expect(qemu.QEMUBH).toBe(runtime.BottomHalf);
  });

  it('nothing outside src/node imports a Node module (the main entry stays browser-safe)', () => {
    const offenders = filesUnder(src)
      .filter((file) => !relative(src, file).startsWith('node'))
      .filter((file) =>
        /from '(node:|fs|path|os|child_process|worker_threads)/.test(readFileSync(file, 'utf8')),
      )
      .map((file) => relative(src, file));
    expect(offenders).toEqual([]);
  });
});
