// tsible-doc: module documentation from the modules' own definitions (parameters, examples, return values),
// in ansible-doc's layouts: the page, the snippet (-s), the list (-l) and JSON (--json).
import { Command, CommanderError, Option } from 'commander';
import { resolve } from 'node:path';
import { lookupModule } from '../../modules/index.js';
import { libraryDirs } from '../../modules/library.js';
import { closest, EXIT } from '../core/errors.js';
import { libraryEntries, moduleEntries, withLibrary, type ModuleEntry } from '../docs/module-info.js';
import { moduleJson, moduleList, moduleSnippet, moduleText } from '../docs/module-text.js';
import { packageVersion } from '../docs/package-info.js';
import { pyJsonIndent } from '../output/pyjson.js';

interface Options {
  list?: boolean;
  snippet?: boolean;
  json?: boolean;
  type?: string;
  playbookDir?: string;
}

const ALIASES: Record<string, string> = { '--list_files': '--list-files' };

/** A module by any name the registry accepts (or a library module), named the way the user wrote it. */
function find(name: string, library: ModuleEntry[]): ModuleEntry | undefined {
  const lib = library.find((e) => [e.name, `local.${e.name}`, `ansible.legacy.${e.name}`].includes(name));
  if (lib) return { ...lib, name };
  const def = lookupModule(name);
  if (!def) return undefined;
  const short = name.split('.').pop()!;
  return def.name === short ? { name, def } : { name, def, aliasOf: def.name };
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('tsible-doc')
    .description("Show the documentation of tsible's modules, generated from their definitions.")
    .usage('[options] [module...]')
    .version(`tsible-doc ${packageVersion()}`, '--version')
    .argument('[module...]', 'module names (short or ansible.builtin.*)')
    .option('-l, --list', 'list every module with its short description (an argument filters by name)')
    .option('-s, --snippet', 'show a playbook snippet with every option')
    .option('-j, --json', 'print the documentation as JSON')
    .addOption(
      new Option('-t, --type <type>', 'plugin type; tsible documents modules only')
        .choices(['module'])
        .default('module'),
    )
    .option('--playbook-dir <dir>', "also document the custom modules of this project's library/ directories")
    .option('-v, --verbose', 'more output (accepted for compatibility)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(argv.map((a) => ALIASES[a] ?? a));
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.options;
    throw e;
  }
  const o = program.opts<Options>();
  const names = program.args;
  let library: ModuleEntry[] = [];
  if (o.playbookDir !== undefined) {
    try {
      library = await libraryEntries(libraryDirs(resolve(o.playbookDir)));
    } catch (e) {
      process.stderr.write(`ERROR! ${(e as Error).message}\n`);
      return EXIT.error;
    }
  }
  const all = withLibrary(moduleEntries(), library);
  if (o.list && o.snippet) {
    process.stderr.write('ERROR! -l/--list and -s/--snippet cannot be used together\n');
    return EXIT.options;
  }

  if (o.list) {
    const entries = all.filter(
      (e) => names.length === 0 || names.some((n) => e.name.includes(n) || 'ansible.builtin'.startsWith(n)),
    );
    if (o.json) {
      const out: Record<string, string> = {};
      for (const e of entries) out[e.name] = e.def.doc.short;
      process.stdout.write(pyJsonIndent(out) + '\n');
    } else process.stdout.write(moduleList(entries));
    return EXIT.ok;
  }

  if (names.length === 0) {
    process.stderr.write('ERROR! Missing name(s), incorrect options passed for detailed documentation.\n');
    return EXIT.options;
  }
  const known = all.map((e) => e.name);
  const found: ModuleEntry[] = [];
  let missing = 0;
  for (const name of names) {
    const entry = find(name, library);
    if (entry) {
      found.push(entry);
      continue;
    }
    missing++;
    const near = closest(name.split('.').pop()!, known);
    process.stderr.write(`[WARNING]: ${name} was not found${near ? ` (did you mean ${near}?)` : ''}\n`);
  }
  if (o.json) {
    const out: Record<string, unknown> = {};
    for (const e of found) out[e.name] = moduleJson(e);
    process.stdout.write(pyJsonIndent(out) + '\n');
  } else {
    const render = o.snippet ? moduleSnippet : moduleText;
    process.stdout.write(found.map(render).join('\n'));
  }
  // ansible-doc exits 0 even when a module is missing; tsible says so in its exit code, for scripts.
  return missing > 0 ? EXIT.error : EXIT.ok;
}
