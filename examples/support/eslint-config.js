// The examples' lint configuration: the repository's rules plus bhsan's recommended config.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import bhsan from '@bhsan/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * The flat config for the example in `exampleDir`; `ignores` lists what holds a leak on purpose
 * (lint it on its own with `eslint --no-ignore` to see the findings).
 */
export function exampleLintConfig(exampleDir, ignores = []) {
  return tseslint.config(
    ...(ignores.length > 0 ? [{ ignores }] : []),
    js.configs.recommended,
    ...tseslint.configs.recommended,
    bhsan.configs.recommended,
    {
      languageOptions: {
        globals: { console: 'readonly', process: 'readonly' },
        // The example's own root: ESLint may load several configs in one run (`pnpm lint`).
        parserOptions: { tsconfigRootDir: exampleDir },
      },
      plugins: { '@stylistic': stylistic },
      rules: {
        '@stylistic/max-len': [
          'error',
          { code: 100, ignoreUrls: true, ignoreRegExpLiterals: true, ignorePattern: '^import ' },
        ],
        '@typescript-eslint/no-unused-vars': [
          'error',
          { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
        ],
      },
    },
  );
}
