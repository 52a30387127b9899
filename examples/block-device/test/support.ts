/** The shared example test helpers, bound to this example's directory. */
import { exampleSupport } from '@bhsan/example-support';

export { normaliseReport, oneLeakReport } from '@bhsan/example-support';
export const { exampleDir, bhsanRun, positionOf } = exampleSupport(import.meta.url);
