#!/usr/bin/env node
// Launcher for tsible-inventory (the compiled CLI lives in dist/).
import { main } from '../dist/src/cli/inventory.js';

main(process.argv).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`ERROR! Unexpected Exception, this is probably a bug: ${e?.stack ?? e}\n`);
    process.exit(250);
  },
);
