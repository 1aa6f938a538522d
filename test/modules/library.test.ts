// Custom modules: loading library/ directories (.js, .mjs, .ts through the typescript package), validation
// with clear messages, registry lookup, and the documented example module's planner.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lookupModule } from '../../modules/index.js';
import { libraryDirs, loadLibraryModules, loadModuleFile, validateModule } from '../../modules/library.js';
import { ROOT } from '../fleet/cli.js';
import { makeCtx, planWith, tempDir } from './_harness.js';

const JS_MODULE = `export default {
  name: 'hello_js',
  doc: { short: 'Say hello' },
  params: { who: { type: 'str', default: 'world', description: 'Who.' } },
  check: 'full',
  diff: false,
  runsOn: 'controller',
  plan(p) { return { changed: false, steps: [], result: { msg: 'hello ' + p.who } }; },
};
`;

describe('loading library modules', () => {
  it('loads the example TypeScript module and finds it by plain and local. names', async () => {
    await loadLibraryModules([join(ROOT, 'examples', 'library')]);
    const tz = lookupModule('timezone');
    expect(tz?.name).toBe('timezone');
    expect(lookupModule('local.timezone')).toBe(tz);
    expect(lookupModule('ansible.builtin.timezone')).toBeUndefined();
  });

  it('loads .js (object) and .mjs (factory with the api) modules; a library module shadows a built-in', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'hello_js.js'), JS_MODULE);
    writeFileSync(
      join(dir, 'hello_mjs.mjs'),
      `export const module = ({ sh, defineModule }) => defineModule({
        name: 'hello_mjs', doc: { short: 'x' }, params: {}, check: 'full', diff: false, runsOn: 'host',
        plan() { return { changed: true, steps: [{ kind: 'run', cmd: sh\`echo \${'a b'}\` }] }; },
      });\n`,
    );
    writeFileSync(join(dir, 'ping.js'), JS_MODULE.replace("'hello_js'", "'ping'"));
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
    await loadLibraryModules([dir]);
    const js = lookupModule('hello_js')!;
    expect((await planWith(js, {}, {})).result).toEqual({ msg: 'hello world' });
    await expect(planWith(js, { whom: 'x' }, {})).rejects.toThrow(
      /Unsupported parameters for \(hello_js\) module: whom/,
    );
    const mjs = lookupModule('hello_mjs')!;
    expect((await planWith(mjs, {}, {})).steps).toEqual([{ kind: 'run', cmd: "echo 'a b'" }]);
    expect(lookupModule('ping')?.doc.short).toBe('Say hello');
    expect(lookupModule('ansible.builtin.ping')?.doc.short).not.toBe('Say hello');
  });

  it('finds library dirs beside the playbook and in roles', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'library'));
    mkdirSync(join(dir, 'roles', 'web', 'library'), { recursive: true });
    mkdirSync(join(dir, 'roles', 'db'), { recursive: true });
    const extra = tempDir();
    mkdirSync(join(extra, 'base', 'library'), { recursive: true });
    expect(libraryDirs(dir, [extra])).toEqual([
      join(dir, 'library'),
      join(dir, 'roles', 'web', 'library'),
      join(extra, 'base', 'library'),
    ]);
  });

  it.each([
    ['no export', 'export const x = 1;', /exports no module/],
    [
      'no plan',
      "export default { name: 'm', doc: { short: 'x' }, params: {}, check: 'full', diff: false, runsOn: 'host' };",
      /plan\(params, facts, ctx\) is required/,
    ],
    [
      'bad type',
      "export default { name: 'm', doc: { short: 'x' }, params: { a: { type: 'string', description: 'a' } }, plan() {}, check: 'full', diff: false, runsOn: 'host' };",
      /params.a.type must be one of/,
    ],
    [
      'bad check',
      "export default { name: 'm', doc: { short: 'x' }, params: {}, plan() {}, check: 'yes', diff: false, runsOn: 'host' };",
      /check must be/,
    ],
    ['syntax error', 'export default {', /could not be loaded/],
  ])('rejects a module with %s', async (_n, code, msg) => {
    const dir = tempDir();
    const f = join(dir, 'm.mjs');
    writeFileSync(f, code);
    await expect(loadModuleFile(f)).rejects.toThrow(msg);
  });

  it('needs the file name to match the module name', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'other.mjs'), JS_MODULE);
    await expect(loadLibraryModules([dir])).rejects.toThrow(/exports a module named 'hello_js'/);
    expect(() => validateModule({ name: 'bad-name' }, 'x.js')).toThrow(/name must be an identifier/);
  });
});

describe('the example timezone module', () => {
  it('plans the link and the file, is idempotent, refuses unknown zones', async () => {
    await loadLibraryModules([join(ROOT, 'examples', 'library')]);
    const tz = lookupModule('timezone')!;
    const facts = (link: string, file: string, zoneExists = true) => ({ tz: { zoneExists, link, file } });
    const p = await planWith(
      tz,
      { name: 'Europe/Paris' },
      facts('/usr/share/zoneinfo/Etc/UTC', 'Etc/UTC'),
      makeCtx({ diff: true }),
    );
    expect(p.changed).toBe(true);
    expect(p.steps).toEqual([
      { kind: 'run', cmd: 'ln -sfn -- /usr/share/zoneinfo/Europe/Paris /etc/localtime' },
      { kind: 'put', dest: '/etc/timezone', content: Buffer.from('Europe/Paris\n') },
    ]);
    expect(p.result).toEqual({ before: 'Etc/UTC', after: 'Europe/Paris' });
    const again = await planWith(
      tz,
      { name: 'Europe/Paris' },
      facts('/usr/share/zoneinfo/Europe/Paris', 'Europe/Paris'),
    );
    expect(again).toMatchObject({ changed: false, steps: [] });
    expect((await planWith(tz, { name: 'Mars/Base' }, facts('', '', false))).failed).toBe(true);
  });
});
