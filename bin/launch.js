// Shared by the launchers: answers a bare --version without loading anything, else runs the compiled CLI
// (in dist/) and exits with its code.
import { readFileSync } from 'node:fs';

/** The version in the package.json next to bin/. */
function version() {
  try {
    const pkg = readFileSync(new globalThis.URL('../package.json', import.meta.url), 'utf8');
    return JSON.parse(pkg).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * @param {string} name the command's name, as --version prints it
 * @param {() => Promise<{ main: (argv: string[]) => Promise<number> }>} load imports the CLI module
 */
export function launch(name, load) {
  // Only the exact form: with other arguments the CLI decides (`-a --version` is a module argument).
  if (process.argv.length === 3 && process.argv[2] === '--version') {
    process.stdout.write(`${name} ${version()}\n`);
    return;
  }
  load()
    .then((cli) => cli.main(process.argv))
    .then(
      (code) => process.exit(code),
      (e) => {
        process.stderr.write(`ERROR! Unexpected Exception, this is probably a bug: ${e?.stack ?? e}\n`);
        process.exit(250);
      },
    );
}
