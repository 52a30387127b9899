// Lint configuration of the migration example. src/leaky/ holds the leak on purpose, so it is
// ignored here; `pnpm exec eslint --no-ignore src/leaky` shows the findings (the demo does).
import { exampleLintConfig } from '@bhsan/example-support/eslint-config';

export default exampleLintConfig(import.meta.dirname, ['src/leaky/**']);
