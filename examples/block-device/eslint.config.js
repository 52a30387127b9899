// Lint configuration of the block-device example: the repository's rules plus bhsan's recommended
// config. src/leaky/ holds the leak on purpose, so it is ignored here; lint it on its own with
// `pnpm exec eslint --no-ignore src/leaky` to see the findings (the demo does).
import js from '@eslint/js';
import bhsan from '@bhsan/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['src/leaky/**'] },
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
