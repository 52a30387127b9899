// Lint configuration for the bhsan repository itself.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '**/test/fixtures/**',
      'examples/*/lint-fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        globalThis: 'readonly',
      },
      // The examples have configs of their own; with several loaded in one run, typescript-eslint
      // needs each one's root spelled out.
      parserOptions: { tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@stylistic': stylistic },
    rules: {
      // Prettier wraps code at 100 columns but leaves comments and strings to us.
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
