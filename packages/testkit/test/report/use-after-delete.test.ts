import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AioContext, UseAfterDeleteError } from '@bhsan/runtime';
import { describe, expect, it } from 'vitest';
import { isUseAfterDelete, renderUseAfterDelete } from '../../src/report/use-after-delete.js';

const FILE = 'test/report/use-after-delete.test.ts';
const source = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
/** `line:column` (1-based) of `call` on the first line of this file that holds `statement`. */
const at = (statement: string, call = statement): string => {
  const line = source.findIndex((l) => l.includes(statement));
  return `${line + 1}:${(source[line] ?? '').indexOf(call) + 1}`;
};

function allocateHere(ctx: AioContext) {
  return ctx.bhNew(function reconnect() {});
}

describe('use-after-delete report', () => {
  it('names the use, delete and allocation sites of a schedule after delete', () => {
    const ctx = new AioContext({ name: 'uad' });
    const bh = allocateHere(ctx);
    const deleteHere = (): void => bh.delete();
    deleteHere();

    let caught: unknown;
    const useHere = (): void => {
      try {
        bh.schedule();
      } catch (error) {
        caught = error;
      }
    };
    useHere();

    expect(caught).toBeInstanceOf(UseAfterDeleteError);
    expect(isUseAfterDelete(caught)).toBe(true);
    const text = renderUseAfterDelete(caught as UseAfterDeleteError, { pid: 5 });
    const lines = text.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '',
      '='.repeat(65),
      "==5==ERROR: BHSanitizer: use-after-delete on bottom half 'reconnect'",
      "schedule() of deleted bottom half 'reconnect' here:",
      `    #0 in useHere ${FILE}:${at('bh.schedule()', 'schedule')}`,
    ]);
    const deleted = lines.indexOf("bottom half 'reconnect' was deleted here:");
    expect(lines[deleted + 1]).toBe(
      `    #0 in deleteHere ${FILE}:${at('bh.delete()', 'delete()')}`,
    );
    const allocated = lines.indexOf("bottom half 'reconnect' was previously allocated here:");
    expect(lines[allocated + 1]).toBe(
      `    #0 in allocateHere ${FILE}:${at('ctx.bhNew(', 'bhNew')}`,
    );
    expect(lines.at(-2)).toBe(
      'SUMMARY: BHSanitizer: use-after-delete ' +
        `${FILE}:${at('bh.schedule()', 'schedule')} in useHere`,
    );
    expect(deleted).toBeLessThan(allocated);
    ctx.finalize();
  });

  it('does not take other errors for use-after-delete', () => {
    expect(isUseAfterDelete(new Error('x'))).toBe(false);
    expect(isUseAfterDelete({ code: 'BHSAN_USE_AFTER_DELETE' })).toBe(false);
  });
});
