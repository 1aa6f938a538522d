// The generated documentation cannot drift: docs/modules.md, the README's module table, the settings tables
// of docs/configuration.md and docs/schema/*.json must be exactly what the code generates now.
// Fix a failure with `npm run build && npm run docs`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listModules } from '../../modules/index.js';
import { README_END, README_START } from '../../src/docs/gen-modules.js';
import { generatedFiles } from '../../src/docs/generate.js';
import { ROOT } from './helpers.js';

describe('generated docs are up to date (npm run docs)', async () => {
  const files = await generatedFiles(ROOT);

  it.each([...files.keys()])('%s', (rel) => {
    const path = join(ROOT, rel);
    expect(existsSync(path), `${rel} is missing: run npm run docs`).toBe(true);
    const actual = readFileSync(path, 'utf8');
    // toBe would print both texts; the hint matters more than the diff.
    expect(actual === files.get(rel), `${rel} is out of date: run npm run build && npm run docs`).toBe(true);
  });

  it('every module has a section in docs/modules.md and a row in the README', () => {
    const md = files.get('docs/modules.md')!;
    const readme = files.get('README.md')!;
    const block = readme.slice(readme.indexOf(README_START), readme.indexOf(README_END));
    for (const name of listModules()) {
      expect(md).toContain(`\n## ${name}\n`);
      expect(block).toContain(`[${name}](docs/modules.md#${name})`);
    }
  });

  it('docs/configuration.md has the generated settings tables', () => {
    expect(files.has('docs/configuration.md')).toBe(true);
  });
});
