#!/usr/bin/env node
// Launcher for tsible-doc (the compiled CLI lives in dist/).
import { main } from '../dist/src/cli/doc.js';

main(process.argv).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`ERROR! Unexpected Exception, this is probably a bug: ${e?.stack ?? e}\n`);
    process.exit(250);
  },
);
