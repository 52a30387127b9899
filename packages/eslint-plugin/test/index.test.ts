// The plugin object as ESLint loads it from a flat config.
import { ESLint, type Linter } from 'eslint';
import { ESLint as ESLint9 } from 'eslint-v9';
import { describe, expect, it } from 'vitest';

import plugin, { configs, rules } from '../src/index.js';

describe('the plugin object', () => {
  it('names itself and lists both rules', () => {
    expect(plugin.meta).toEqual({
      name: '@bhsan/eslint-plugin',
      version: '0.1.0',
      namespace: '@bhsan',
    });
    expect(Object.keys(rules).sort()).toEqual(['no-leaked-bh', 'no-use-after-delete']);
  });

  it('turns both rules on in recommended, and asks for types in recommendedTypeChecked', () => {
    expect(configs.recommended.rules).toEqual({
      '@bhsan/no-leaked-bh': 'error',
      '@bhsan/no-use-after-delete': 'error',
    });
    expect(configs.recommendedTypeChecked.rules).toEqual({
      '@bhsan/no-leaked-bh': ['error', { useTypeInformation: true }],
      '@bhsan/no-use-after-delete': ['error', { useTypeInformation: true }],
    });
  });

  it.each([
    ['ESLint 10', ESLint],
    ['ESLint 9', ESLint9],
  ])(
    'reports the early-return leak through %s with the recommended flat config',
    async (_, Engine) => {
      const parser = await import('@typescript-eslint/parser');
      const eslint = new Engine({
        overrideConfigFile: true,
        overrideConfig: [
          { files: ['**/*.ts'], languageOptions: { parser } },
          // typescript-eslint's config type and ESLint's own differ only in index signatures.
          { files: ['**/*.ts'], ...(configs.recommended as Linter.Config) },
        ],
      });
      const code = [
        'export function realize(ctx: { bhNew(cb: () => void): unknown }, failed: boolean) {',
        '  const bh = ctx.bhNew(() => {});',
        '  if (failed) return;',
        '  return bh;',
        '}',
        '',
      ].join('\n');
      const [result] = await eslint.lintText(code, { filePath: 'realize.ts' });
      expect(
        result?.messages.map((message) => [message.ruleId, message.line, message.column]),
      ).toEqual([['@bhsan/no-leaked-bh', 3, 15]]);
    },
  );
});
