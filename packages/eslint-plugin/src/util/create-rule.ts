// The rule factory every bhsan rule is built with: it fills in the documentation URL.
import { ESLintUtils } from '@typescript-eslint/utils';

/** Extra `meta.docs` fields our rules carry. */
export interface BhsanRuleDocs {
  /** Whether the rule needs type information to run (only when asked to use types). */
  readonly requiresTypeChecking?: boolean;
}

/** Wraps `createRule({ name, meta, defaultOptions, create })`; called once per rule module. */
export const createRule = ESLintUtils.RuleCreator<BhsanRuleDocs>(
  (name) => `https://github.com/bhsan/bhsan/blob/main/packages/eslint-plugin/docs/rules/${name}.md`,
);
