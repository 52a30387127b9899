// Lint configuration of the iothread example: the repository's rules plus bhsan's recommended
// config. The leak in src/leaky/ is one of ordering at run time, which no lint rule can see: only
// the runtime names it (see README.md).
import js from '@eslint/js';
import bhsan from '@bhsan/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  js.configs.recommended,
  ...tseslint.configs.recommended,
  bhsan.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly' },
      // This example's own root: ESLint may load several configs in one run (`pnpm lint`).
      parserOptions: { tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
);
