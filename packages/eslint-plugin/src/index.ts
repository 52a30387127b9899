// `@bhsan/eslint-plugin`: lint rules that catch bottom halves created without a matching delete.
//
// Flat config only (ESLint 9 and 10): `plugin.configs.recommended` names bottom halves by the
// runtime's function names; `plugin.configs.recommendedTypeChecked` recognises them by type.
import { createRequire } from 'node:module';

import type { TSESLint } from '@typescript-eslint/utils';

import noLeakedBh from './rules/no-leaked-bh.js';
import noUseAfterDelete from './rules/no-use-after-delete.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as {
  name: string;
  version: string;
};

/** The rules, by name without the plugin prefix. */
export const rules = {
  'no-leaked-bh': noLeakedBh,
  'no-use-after-delete': noUseAfterDelete,
};

/** The configs this plugin provides. */
export interface BhsanConfigs {
  /** Both rules, recognising bottom halves by the runtime's function names. */
  readonly recommended: TSESLint.FlatConfig.Config;
  /** Both rules, recognising bottom halves by type; needs `parserOptions.projectService`. */
  readonly recommendedTypeChecked: TSESLint.FlatConfig.Config;
}

/** The plugin object as ESLint loads it: `meta`, `rules` and `configs`. */
export interface BhsanPlugin {
  readonly meta: { readonly name: string; readonly version: string; readonly namespace: string };
  readonly rules: typeof rules;
  readonly configs: BhsanConfigs;
}

const configs = {} as { -readonly [K in keyof BhsanConfigs]: BhsanConfigs[K] };

const plugin: BhsanPlugin = {
  meta: { name, version, namespace: '@bhsan' },
  rules,
  configs,
};

const pluginForConfig = plugin as unknown as TSESLint.FlatConfig.Plugin;

configs.recommended = {
  name: '@bhsan/recommended',
  plugins: { '@bhsan': pluginForConfig },
  rules: {
    '@bhsan/no-leaked-bh': 'error',
    '@bhsan/no-use-after-delete': 'error',
  },
};

configs.recommendedTypeChecked = {
  name: '@bhsan/recommended-type-checked',
  plugins: { '@bhsan': pluginForConfig },
  rules: {
    '@bhsan/no-leaked-bh': ['error', { useTypeInformation: true }],
    '@bhsan/no-use-after-delete': ['error', { useTypeInformation: true }],
  },
};

export { configs };
export default plugin;
