// Wires typescript-eslint's RuleTester into Vitest and provides the testers the suites share.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { RuleTester } from '@typescript-eslint/rule-tester';
import { afterAll, describe, it } from 'vitest';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/**
 * The folder holding `tsconfig.json`, `file.ts` and the runtime's declared types for typed runs.
 */
export const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A tester that parses TypeScript without type information. */
export function untypedTester(): RuleTester {
  return new RuleTester();
}

/** A tester with type information from `test/fixtures/tsconfig.json`. */
export function typedTester(): RuleTester {
  return new RuleTester({
    languageOptions: {
      parserOptions: {
        project: './tsconfig.json',
        tsconfigRootDir: fixturesDir,
      },
    },
  });
}
