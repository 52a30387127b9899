// Lint configuration of the iothread example. The leak in src/leaky/ is one of ordering at run
// time, which no lint rule can see: only the runtime names it (see README.md).
import { exampleLintConfig } from '@bhsan/example-support/eslint-config';

export default exampleLintConfig(import.meta.dirname);
