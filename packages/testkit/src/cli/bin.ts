#!/usr/bin/env node
/** Entry of the `bhsan` command. */
import { BhsanError } from '@bhsan/runtime';
import { createProgram } from './program.js';

const program = createProgram((code) => {
  process.exitCode = code;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof BhsanError)) throw error;
  process.stderr.write(`bhsan: ${error.message}\n`);
  process.exitCode = 2;
}
