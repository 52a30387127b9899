import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

import { bhsanRun, exampleDir, normaliseReport, oneLeakReport, positionOf } from './support.js';

const failedPlug =
  "hot-plug disk1 failed: device 'disk1': queues must be an integer from 1 to 64, got 0\n";

describe('bhsan run on the hot-plug programs', () => {
  it('reports the notify BH lost on the early return and exits 23', () => {
    const create = positionOf('src/leaky/plug.ts', 'bhNew(() => device.notifyGuest()');
    const call = positionOf('src/leaky/main.ts', "plugDevice(context, { name: 'disk1'");

    const run = bhsanRun(['src/leaky/main.ts']);

    expect(run.status).toBe(23);
    expect(run.stdout).toBe(failedPlug);
    expect(normaliseReport(run.stderr).report).toBe(
      oneLeakReport("Direct leak of 1 BH(s) 'notifyGuest' allocated from:", [
        `plugDevice src/leaky/plug.ts:${create.line}:${create.column}`,
        `<anonymous> src/leaky/main.ts:${call.line}:${call.column}`,
      ]),
    );
  });

  it('runs the fixed hot-plug with no report and exits 0', () => {
    const run = bhsanRun(['src/fixed/main.ts']);

    expect([run.status, run.stdout, run.stderr]).toEqual([0, failedPlug, '']);
  });
});

describe('@bhsan/eslint-plugin on the hot-plug code', () => {
  const eslint = new ESLint({ cwd: exampleDir, ignore: false });

  it('flags the early return that loses the notify BH', async () => {
    const exit = positionOf('src/leaky/plug.ts', 'return new DeviceConfigError');

    const [result] = await eslint.lintFiles(['src/leaky/plug.ts']);
    const found = result?.messages.map((m) => [m.ruleId, m.line, m.column, m.messageId]);

    expect(found).toEqual([['@bhsan/no-leaked-bh', exit.line, exit.column, 'lostAtExit']]);
  });

  it('finds nothing in the fixed code', async () => {
    const results = await eslint.lintFiles(['src/fixed/*.ts', 'src/*.ts']);

    expect(results.flatMap((r) => r.messages)).toEqual([]);
  });
});
