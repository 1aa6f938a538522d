// checkParams (Ansible argument-spec semantics) and parseFreeForm (k=v splitting) tests.
import { describe, expect, it } from 'vitest';
import { TsibleError } from '../../../src/core/errors.js';
import { defineModule } from '../../../src/core/module.js';
import { checkParams, coerce, parseFreeForm, splitArgs, toBool } from '../../../src/core/params.js';

const statLike = defineModule({
  name: 'stat',
  doc: { short: 's' },
  params: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'], description: 'p' },
    follow: { type: 'bool', default: false, description: 'f' },
    checksum_algorithm: {
      type: 'str',
      default: 'sha1',
      choices: ['md5', 'sha1', 'sha256'],
      aliases: ['checksum'],
      description: 'c',
    },
  },
  check: 'full',
  diff: false,
  runsOn: 'host',
  plan: () => ({ changed: false, steps: [] }),
});

const rich = defineModule({
  name: 'rich',
  doc: { short: 'r' },
  params: {
    name: { type: 'list', elements: 'str', description: 'n' },
    ports: { type: 'list', elements: 'int', description: 'p' },
    count: { type: 'int', description: 'c' },
    ratio: { type: 'float', description: 'r' },
    label: { type: 'str', description: 'l' },
    opts: { type: 'dict', description: 'o' },
    upgrade: { type: 'str', choices: ['no', 'yes', 'safe'], description: 'u' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'], description: 's' },
    src: { type: 'path', description: 's' },
    content: { type: 'str', description: 'c' },
    deb: { type: 'path', description: 'd' },
    any: { type: 'raw', description: 'a' },
  },
  mutuallyExclusive: [['src', 'content']],
  requiredOneOf: [['name', 'deb', 'src', 'content', 'any']],
  requiredIf: [['state', 'absent', ['name']]],
  check: 'full',
  diff: false,
  runsOn: 'host',
  plan: () => ({ changed: false, steps: [] }),
});

const where = { module: 'stat', task: 't1', pos: { file: 'site.yml', line: 3, col: 5 } };

function errorOf(fn: () => unknown): TsibleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TsibleError) return e;
    throw e;
  }
  throw new Error('expected a TsibleError');
}

describe('checkParams', () => {
  it('resolves aliases and applies defaults', () => {
    const p = checkParams(statLike, { dest: '/etc/hosts' }, where);
    expect(p).toEqual({ path: '/etc/hosts', follow: false, checksum_algorithm: 'sha1' });
  });

  it('warns when an option and its alias are both set, and the alias wins like Ansible', () => {
    const warnings: string[] = [];
    const p = checkParams(statLike, { path: '/a', name: '/b' }, { ...where, warn: (m) => warnings.push(m) });
    expect(p.path).toBe('/b');
    expect(warnings).toEqual(['Both option path and its alias name are set.']);
  });

  it('rejects unknown parameters with the Ansible message, a hint and the position', () => {
    const e = errorOf(() => checkParams(statLike, { path: '/x', state: 'present', folow: true }, where));
    expect(e.kind).toBe('parameter');
    expect(e.message).toBe(
      'Unsupported parameters for (stat) module: folow, state. Supported parameters include: ' +
        'checksum_algorithm (checksum), follow, path (dest, name).',
    );
    expect(e.hint).toBe("did you mean 'follow'?");
    expect(e.pos).toEqual(where.pos);
    expect(e.task).toBe('t1');
  });

  it('suggests an alias too', () => {
    const e = errorOf(() => checkParams(statLike, { pth: '/x' }, where));
    expect(e.hint).toBe("did you mean 'path'?");
  });

  it('gives no hint when nothing is close', () => {
    const e = errorOf(() => checkParams(statLike, { path: '/x', zzzzzzzz: 1 }, where));
    expect(e.hint).toBeUndefined();
  });

  it('reports missing required arguments', () => {
    expect(errorOf(() => checkParams(statLike, {}, where)).message).toBe('missing required arguments: path');
  });

  it('treats null as not given (so the default applies)', () => {
    expect(checkParams(statLike, { path: '/x', follow: null }, where).follow).toBe(false);
  });

  it('checks choices and lists them', () => {
    const e = errorOf(() => checkParams(statLike, { path: '/x', checksum_algorithm: 'crc' }, where));
    expect(e.message).toBe('value of checksum_algorithm must be one of: md5, sha1, sha256, got: crc');
  });

  it.each([
    ['yes', true],
    ['No', false],
    ['TRUE', true],
    ['off', false],
    ['on', true],
    ['1', true],
    ['0', false],
    [1, true],
    [0, false],
    [true, true],
  ])('coerces %j to a bool', (input, out) => {
    expect(checkParams(statLike, { path: '/x', follow: input }, where).follow).toBe(out);
  });

  it('rejects a non-boolean string for a bool', () => {
    const e = errorOf(() => checkParams(statLike, { path: '/x', follow: 'maybe' }, where));
    expect(e.message).toMatch(
      /^argument 'follow' is of type <class 'str'> and we were unable to convert to bool: /,
    );
    expect(e.message).toContain("The value 'maybe' is not a valid boolean.");
  });

  it('converts numbers and booleans to str like Python str()', () => {
    const w = { module: 'rich' };
    expect(checkParams(rich, { label: 42, any: 1 }, w).label).toBe('42');
    expect(checkParams(rich, { label: true, any: 1 }, w).label).toBe('True');
    expect(checkParams(rich, { label: ['a', 1], any: 1 }, w).label).toBe("['a', 1]");
  });

  it('coerces ints and floats, and rejects what is not numeric', () => {
    const w = { module: 'rich' };
    expect(checkParams(rich, { count: '3600', any: 1 }, w).count).toBe(3600);
    expect(checkParams(rich, { ratio: '0.5', any: 1 }, w).ratio).toBe(0.5);
    const e = errorOf(() => checkParams(rich, { count: '1.5', any: 1 }, { module: 'rich' }));
    expect(e.message).toBe(
      "argument 'count' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int",
    );
  });

  it('splits a comma string into a list without stripping, and wraps a scalar', () => {
    const w = { module: 'rich' };
    expect(checkParams(rich, { name: 'git,curl' }, w).name).toEqual(['git', 'curl']);
    expect(checkParams(rich, { name: 'a, b' }, w).name).toEqual(['a', ' b']);
    expect(checkParams(rich, { name: 7 }, w).name).toEqual(['7']);
    expect(checkParams(rich, { ports: '80,443', any: 1 }, w).ports).toEqual([80, 443]);
  });

  it('reports a list element that does not convert', () => {
    const e = errorOf(() => checkParams(rich, { ports: ['80', 'http'], any: 1 }, { module: 'rich' }));
    expect(e.message).toMatch(
      /^argument 'ports' is of type <class 'list'> and we were unable to convert to int/,
    );
  });

  it('parses a dict from JSON or from k=v', () => {
    const w = { module: 'rich' };
    expect(checkParams(rich, { opts: '{"a": 1}', any: 1 }, w).opts).toEqual({ a: 1 });
    expect(checkParams(rich, { opts: 'a=1 b="x y"', any: 1 }, w).opts).toEqual({ a: '1', b: 'x y' });
    expect(checkParams(rich, { opts: 'a=1, b=2', any: 1 }, w).opts).toEqual({ a: '1', b: '2' });
  });

  it('maps a YAML boolean back to the yes/no choice it meant', () => {
    expect(checkParams(rich, { upgrade: true, any: 1 }, { module: 'rich' }).upgrade).toBe('yes');
    expect(checkParams(rich, { upgrade: false, any: 1 }, { module: 'rich' }).upgrade).toBe('no');
  });

  it('enforces mutually exclusive, required-one-of and required-if', () => {
    const w = { module: 'rich' };
    expect(errorOf(() => checkParams(rich, { src: 'a', content: 'b' }, w)).message).toBe(
      'parameters are mutually exclusive: src|content',
    );
    expect(errorOf(() => checkParams(rich, { count: 1 }, w)).message).toBe(
      'one of the following is required: name, deb, src, content, any',
    );
    expect(errorOf(() => checkParams(rich, { state: 'absent', deb: '/x.deb' }, w)).message).toBe(
      'state is absent but all of the following are missing: name',
    );
    expect(checkParams(rich, { state: 'absent', name: 'x' }, w).state).toBe('absent');
  });

  it('passes unknown keys through for freeKeys modules (set_fact)', () => {
    const free = defineModule({
      name: 'set_fact',
      doc: { short: 's' },
      params: { cacheable: { type: 'bool', default: false, description: 'c' } },
      freeKeys: true,
      check: 'full',
      diff: false,
      runsOn: 'controller',
      plan: () => ({ changed: false, steps: [] }),
    });
    expect(checkParams(free, { a: [1], b: 'x', cacheable: 'yes' }, { module: 'set_fact' })).toEqual({
      a: [1],
      b: 'x',
      cacheable: true,
    });
  });
});

describe('coerce and toBool', () => {
  it('returns raw values untouched', () => {
    const v = { a: [1] };
    expect(coerce('raw', v)).toBe(v);
  });
  it('knows the Ansible boolean words', () => {
    expect(toBool('y')).toBe(true);
    expect(toBool('F')).toBe(false);
    expect(toBool('2')).toBeUndefined();
    expect(toBool(2)).toBeUndefined();
  });
});

const commandLike = defineModule({
  name: 'command',
  doc: { short: 'c' },
  params: {
    free_form: { type: 'str', description: 'f' },
    chdir: { type: 'path', description: 'c' },
    creates: { type: 'path', description: 'c' },
  },
  freeForm: 'free_form',
  freeFormKeys: [
    'chdir',
    'creates',
    'removes',
    'executable',
    'stdin',
    'stdin_add_newline',
    'strip_empty_ends',
  ],
  check: 'partial',
  diff: false,
  runsOn: 'host',
  plan: () => ({ changed: false, steps: [] }),
});

describe('parseFreeForm', () => {
  it('splits k=v with quotes for ordinary modules', () => {
    expect(parseFreeForm(statLike, `path="/a b/c" follow=yes checksum_algorithm='sha256'`)).toEqual({
      path: '/a b/c',
      follow: 'yes',
      checksum_algorithm: 'sha256',
    });
  });

  it('keeps Jinja expressions with spaces in one value', () => {
    expect(parseFreeForm(statLike, 'path={{ base ~ "/x y" }} follow={{ a | default(true) }}')).toEqual({
      path: '{{ base ~ "/x y" }}',
      follow: '{{ a | default(true) }}',
    });
  });

  it('rejects words that are not k=v for ordinary modules', () => {
    const e = errorOf(() => parseFreeForm(statLike, 'path=/x oops', { module: 'stat' }));
    expect(e.kind).toBe('parameter');
    expect(e.message).toContain("this task 'stat' has extra params");
    expect(e.message).toContain('oops');
  });

  it('takes only the allowed keys for a free-form module and keeps the rest verbatim', () => {
    expect(parseFreeForm(commandLike, 'chdir=/tmp ls -l  "a b" foo=bar creates=/x')).toEqual({
      chdir: '/tmp',
      creates: '/x',
      free_form: 'ls -l  "a b" foo=bar',
    });
  });

  it('removes a key from the middle and keeps newlines of the rest', () => {
    expect(parseFreeForm(commandLike, "echo a chdir=/tmp 'b  c'\necho d")).toEqual({
      chdir: '/tmp',
      free_form: "echo a 'b  c'\necho d",
    });
  });

  it('does not take a quoted or escaped = as a key', () => {
    expect(parseFreeForm(commandLike, `echo "chdir=/x" chdir\\=/y`)).toEqual({
      free_form: `echo "chdir=/x" chdir\\=/y`,
    });
  });

  it('splitArgs keeps quoted spaces and reports positions', () => {
    const t = splitArgs(`a "b c"  d='e f'`);
    expect(t.map((x) => x.text)).toEqual(['a', '"b c"', "d='e f'"]);
    expect(t[2]!.start).toBe(9);
  });
});
