/** What `bhsan()` sets up in `configureVitest`, on stand-ins for Vitest's project objects. */

import path from 'node:path';

import { describe, expect, it } from 'vitest';
import { defineConfig } from 'vitest/config';
import type { VitestPluginContext } from 'vitest/node';

import { BHSAN_SETUP_FILE, bhsan } from '../../src/vitest/plugin.js';
import { BhsanReporter } from '../../src/vitest/reporter.js';

interface StandIn {
  readonly context: VitestPluginContext;
  readonly config: { setupFiles: string[]; execArgv: string[]; pool: string; root: string };
  readonly provided: Record<string, unknown>;
  readonly reporters: unknown[];
}

function standIn(pool: string, reporters: unknown[] = []): StandIn {
  const config = { setupFiles: ['/root/setup.ts'], execArgv: [], pool, root: '/root' };
  const provided: Record<string, unknown> = {};
  const context = {
    vitest: { config: { reporters } },
    project: {
      config,
      provide: (key: string, value: unknown) => {
        provided[key] = value;
      },
    },
  } as unknown as VitestPluginContext;
  return { context, config, provided, reporters };
}

function configure(plugin: ReturnType<typeof bhsan>, context: VitestPluginContext): void {
  const hook = plugin.configureVitest;
  if (typeof hook !== 'function') throw new Error('bhsan() has no configureVitest hook');
  hook.call(undefined as never, context);
}

describe('bhsan()', () => {
  it('is a plugin a Vitest config accepts', () => {
    const config = defineConfig({ plugins: [bhsan({ mode: 'strict' })] });
    expect(config.plugins?.map((plugin) => (plugin as { name: string }).name)).toEqual(['bhsan']);
  });

  it('adds its absolute setup file after user ones, --expose-gc and the options (forks)', () => {
    const { context, config, provided, reporters } = standIn('forks');
    configure(bhsan({ retainers: true }), context);

    expect(path.isAbsolute(BHSAN_SETUP_FILE)).toBe(true);
    expect(path.basename(BHSAN_SETUP_FILE)).toBe('setup.js');
    expect(config.setupFiles).toEqual(['/root/setup.ts', BHSAN_SETUP_FILE]);
    expect(config.execArgv).toEqual(['--expose-gc']);
    expect(provided['bhsan']).toMatchObject({
      root: '/root',
      retainers: true,
      mode: 'unreachable',
    });
    expect(reporters).toHaveLength(1);
    expect(reporters[0]).toBeInstanceOf(BhsanReporter);
  });

  it('leaves execArgv alone with the threads pool, which refuses --expose-gc', () => {
    const { context, config } = standIn('threads');
    configure(bhsan(), context);
    expect(config.execArgv).toEqual([]);
  });

  it('adds one reporter per run however many projects use the plugin', () => {
    const reporters: unknown[] = [];
    const first = standIn('forks', reporters);
    const second = standIn('forks', reporters);
    const vitest = first.context.vitest;
    const plugin = bhsan();
    configure(plugin, first.context);
    configure(plugin, { ...second.context, vitest });
    expect(reporters).toHaveLength(1);
    expect(second.config.setupFiles).toEqual(['/root/setup.ts', BHSAN_SETUP_FILE]);
  });

  it('rejects a bad option when the config is loaded, naming the key', () => {
    expect(() => bhsan({ mode: 'everything' as 'strict' })).toThrowError(
      /^bhsan\(\) plugin options: mode=everything is not valid/,
    );
  });
});
