// `npm run docs`: regenerate docs/modules.md, the README module table, the settings tables of
// docs/configuration.md and docs/schema/*.json from the code. `--check` only reports what is out of date
// (exit 1), for CI.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  README_END,
  README_START,
  SETTINGS_END,
  SETTINGS_START,
  modulesMarkdown,
  readmeModulesBlock,
  replaceBlock,
  settingsBlock,
} from './gen-modules.js';
import { schemaFiles } from './gen-schema.js';
import { packageRoot } from './package-info.js';

/** JSON text formatted as the repository's Prettier config would (so `prettier --check` passes). */
export async function formatJson(value: unknown, root = packageRoot()): Promise<string> {
  const text = JSON.stringify(value) + '\n';
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(join(root, 'docs', 'schema', 'x.json'))) ?? {};
    return await prettier.format(text, { ...options, parser: 'json' });
  } catch {
    // Prettier is a dev dependency; without it the plain JSON is still valid.
    return text;
  }
}

/** Every generated file: path relative to the package root → its expected content. */
export async function generatedFiles(root = packageRoot()): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  out.set('docs/modules.md', modulesMarkdown());
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  out.set('README.md', replaceBlock(readme, README_START, README_END, readmeModulesBlock()));
  const config = join(root, 'docs', 'configuration.md');
  if (existsSync(config)) {
    out.set(
      'docs/configuration.md',
      replaceBlock(readFileSync(config, 'utf8'), SETTINGS_START, SETTINGS_END, settingsBlock()),
    );
  }
  for (const [name, schema] of Object.entries(schemaFiles())) {
    out.set(`docs/schema/${name}`, await formatJson(schema, root));
  }
  return out;
}

/** The generated files whose content on disk differs from what the code generates now. */
export async function staleFiles(root = packageRoot()): Promise<string[]> {
  const stale: string[] = [];
  for (const [rel, text] of await generatedFiles(root)) {
    const path = join(root, rel);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(rel);
  }
  return stale;
}

export async function main(argv: string[]): Promise<number> {
  const root = packageRoot();
  if (argv.includes('--check')) {
    const stale = await staleFiles(root);
    for (const f of stale) process.stderr.write(`out of date: ${f} (run npm run docs)\n`);
    return stale.length > 0 ? 1 : 0;
  }
  for (const [rel, text] of await generatedFiles(root)) {
    const path = join(root, rel);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    process.stdout.write(`wrote ${rel}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
