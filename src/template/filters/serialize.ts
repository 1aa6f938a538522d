// JSON and YAML in and out: to_json/to_nice_json/from_json, to_yaml/to_nice_yaml/from_yaml(_all), tojson.
import { loadYaml, loadYamlAll } from '../../core/yaml.js';
import { TsibleError } from '../../core/errors.js';
import { fail } from '../fault.js';
import { filter, type FilterSpec } from '../engine/runtime.js';
import { optBool, optNum, str } from '../py/coerce.js';
import { pyJsonDumps, type DumpOptions } from '../py/json.js';
import { pyYamlDump } from '../py/yaml-dump.js';
import { mkFloat, type Kwargs } from '../py/values.js';

function dumpOptions(kw: Kwargs, defaults: DumpOptions): DumpOptions {
  const { indent, sort_keys: sortKeys, ensure_ascii: ascii, separators, ...rest } = kw;
  for (const k of Object.keys(rest))
    if (!['vault_to_text', 'preprocess_unsafe', 'skipkeys', 'allow_nan', 'check_circular'].includes(k))
      fail(`to_json() got an unexpected keyword argument '${k}'`);
  return {
    indent:
      indent === undefined
        ? defaults.indent
        : indent === null
          ? null
          : typeof indent === 'string'
            ? indent
            : optNum(indent, 0),
    sortKeys: sortKeys === undefined ? defaults.sortKeys : optBool(sortKeys, false),
    ensureAscii: ascii === undefined ? true : optBool(ascii, true),
    separators: Array.isArray(separators) ? [str(separators[0]), str(separators[1])] : defaults.separators,
  };
}

/** Python's json.loads: floats stay floats. */
function fromJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/\bNaN\b|-?\bInfinity\b/g, 'null'), (_k, v: unknown) =>
      typeof v === 'number' && !Number.isInteger(v) ? mkFloat(v) : v,
    );
  } catch (e) {
    return fail(`from_json: ${(e as Error).message}`);
  }
}

function fromYaml(value: unknown, all: boolean): unknown {
  if (typeof value !== 'string') return value;
  try {
    return all
      ? loadYamlAll(value, '<from_yaml>', { kind: 'template' })
      : loadYaml(value, '<from_yaml>', { kind: 'template' });
  } catch (e) {
    if (e instanceof TsibleError) fail(`from_yaml: ${e.message}`);
    throw e;
  }
}

const HTML_SAFE: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', "'": '\\u0027' };

export const SERIALIZE_FILTERS: Record<string, FilterSpec> = {
  to_json: { fn: (_rt, v, _args, kw) => pyJsonDumps(v, dumpOptions(kw, {})) },
  to_nice_json: {
    fn: (_rt, v, args, kw) => {
      const opts = dumpOptions(kw, { indent: 4, sortKeys: true, separators: [',', ': '] });
      if (args[0] !== undefined) opts.indent = optNum(args[0], 4);
      return pyJsonDumps(v, opts);
    },
  },
  from_json: filter([], (v) => fromJson(str(v))),
  to_yaml: {
    fn: (_rt, v, _args, kw) =>
      pyYamlDump(v, {
        indent: optNum(kw.indent, 2),
        flowLeaves: kw.default_flow_style !== false,
        width: optNum(kw.width, 80),
      }),
  },
  to_nice_yaml: {
    fn: (_rt, v, args, kw) =>
      pyYamlDump(v, {
        indent: optNum(kw.indent ?? args[0], 4),
        flowLeaves: kw.default_flow_style === null,
        width: optNum(kw.width, 80),
      }),
  },
  from_yaml: filter([], (v) => fromYaml(v, false)),
  from_yaml_all: filter([], (v) => fromYaml(v, true)),
  tojson: filter(['indent'], (v, [indent]) =>
    pyJsonDumps(v, {
      sortKeys: true,
      indent: indent === undefined || indent === null ? undefined : optNum(indent, 0),
    }).replace(/[<>&']/g, (c) => HTML_SAFE[c]!),
  ),
};
