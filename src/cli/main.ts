// Entry point of the bundled `night-pilot` executable (dist/cli.js).

import { processIo } from './io';
import { runCli } from './runCli';

void runCli(process.argv.slice(2), processIo()).then((code) => {
  // Setting exitCode (not calling exit) lets pending stdout writes to a pipe finish.
  process.exitCode = code;
});
