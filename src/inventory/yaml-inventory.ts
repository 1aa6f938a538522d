// Parser for YAML inventories: nested groups with `hosts`, `vars` and `children` mappings.
import { TsibleError, type SourcePos } from '../core/errors.js';
import { keyPos } from '../core/yaml.js';
import { expandHostPattern, HostRangeError } from './host-range.js';
import type { InventoryData } from './inventory-data.js';

type Mapping = Record<string, unknown>;

export function isMapping(v: unknown): v is Mapping {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

/** Python's name for a value's type, as Ansible's warnings print it. */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (isMapping(v)) return 'dict';
  return 'str';
}

/** Python truthiness, for Ansible's `value or {}`. */
function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMapping(v)) return Object.keys(v).length > 0;
  return true;
}

/** Fill `data` from a loaded YAML inventory document (already checked to be a non-empty mapping). */
export function parseYamlInventory(data: InventoryData, doc: Mapping, file: string): void {
  const at = (obj: unknown, key: string): SourcePos => keyPos(obj, key) ?? { file };
  const label = (obj: unknown, key: string, what: string): string => {
    const line = keyPos(obj, key)?.line;
    return `${file}${line === undefined ? '' : `:${line}`} (${what})`;
  };

  const parseGroup = (name: string, body: unknown): void => {
    if (body !== null && !isMapping(body)) {
      data.warn(`Skipping '${name}' as this is not a valid group definition`);
      return;
    }
    data.addGroup(name);
    if (body === null) return;
    for (const section of ['vars', 'children', 'hosts']) {
      if (!(section in body)) continue;
      const v = body[section];
      // A single name is allowed in place of a mapping.
      if (typeof v === 'string') body[section] = { [v]: null };
      else if (v !== null && !isMapping(v)) {
        throw new TsibleError(
          'inventory',
          `Invalid "${section}" entry for "${name}" group, requires a dictionary, found "${pyType(v)}" instead.`,
          {
            pos: at(body, section),
            hint: Array.isArray(v)
              ? `write the entries as a mapping: "${section}:" with one "name:" per line`
              : undefined,
          },
        );
      }
    }
    for (const [key, value] of Object.entries(body)) {
      if (value !== null && !isMapping(value)) {
        data.warn(
          `Skipping key (${key}) in group (${name}) as it is not a mapping, it is a <class '${pyType(value)}'>`,
        );
        continue;
      }
      if (value === null) continue;
      if (key === 'vars') {
        const lbl = label(body, key, `${name} vars`);
        for (const [k, v] of Object.entries(value)) data.setGroupVar(name, k, v, lbl);
      } else if (key === 'children') {
        for (const [child, childBody] of Object.entries(value)) {
          parseGroup(child, childBody);
          data.addChild(name, child, at(value, child));
        }
      } else if (key === 'hosts') {
        for (const [pattern, hostBody] of Object.entries(value)) parseHost(name, pattern, hostBody, value);
      } else {
        data.warn(
          `Skipping unexpected key (${key}) in group (${name}), only "vars", "children" and "hosts" are valid`,
        );
      }
    }
  };

  const parseHost = (group: string, pattern: string, body: unknown, hostsObj: Mapping): void => {
    let expanded;
    try {
      expanded = expandHostPattern(pattern);
    } catch (e) {
      if (e instanceof HostRangeError) {
        throw new TsibleError('inventory', e.message, {
          pos: at(hostsObj, pattern),
          hint: `in host pattern '${pattern}'`,
        });
      }
      throw e;
    }
    const vars = truthy(body) ? body : {};
    if (!isMapping(vars)) {
      throw new TsibleError(
        'inventory',
        `Invalid data for host '${pattern}' in group '${group}': expected a mapping of variables, got ${pyType(vars)}`,
        { pos: at(hostsObj, pattern), hint: 'write "host: {var: value}", or "host:" with nothing after it' },
      );
    }
    const lbl = label(hostsObj, pattern, `host ${pattern}`);
    for (const h of expanded.hosts) {
      data.addHost(h, group, expanded.port, lbl);
      for (const [k, v] of Object.entries(vars)) data.setHostVar(h, k, v, lbl);
    }
  };

  for (const [name, body] of Object.entries(doc)) parseGroup(name, body);
}
