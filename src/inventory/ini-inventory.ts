// Parser for Ansible's INI inventory format: a line-based format with its own quoting and value typing.
import { TsibleError } from '../core/errors.js';
import type { Vars } from '../core/types.js';
import { expandHostPattern, HostRangeError } from './host-range.js';
import { setVar, type InventoryData } from './inventory-data.js';
import { pythonValue } from './py-literal.js';
import { shlexSplit, ShlexError } from './shlex.js';

// [group], [group:modifier], optionally followed by a # comment.
const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;
// Python's str.splitlines() line boundaries.
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

type State = 'hosts' | 'children' | 'vars';

interface Pending {
  line: number;
  state: 'vars' | 'children';
  parents: string[];
}

/**
 * Parse INI inventory `text` into `data`. `file` is how the file is named in errors and variable labels.
 * Errors carry the file and line. Undeclared groups used in [g:vars] or [p:children] are reported after
 * the whole file is read, because a group may be declared further down.
 */
export function parseIniInventory(data: InventoryData, text: string, file: string): void {
  const lines = text.replace(/^\uFEFF/, '').split(LINE_BREAK);
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state: State = 'hosts';
  let lineno = 0;
  const fail = (message: string, hint?: string): never => {
    throw new TsibleError('inventory', message, { pos: { file, line: lineno }, hint });
  };

  const addPendingChildren = (name: string): void => {
    for (const parent of pending.get(name)?.parents ?? []) {
      data.addChild(parent, name, { file, line: lineno });
      if (pending.get(parent)?.state === 'children') addPendingChildren(parent);
    }
    pending.delete(name);
  };

  for (const raw of lines) {
    lineno++;
    const line = raw.trim();
    if (!line || line[0] === '#' || line[0] === ';') continue;

    const m = SECTION.exec(line);
    if (m) {
      const name = m[1]!;
      const modifier = m[2] ?? 'hosts';
      if (modifier !== 'hosts' && modifier !== 'children' && modifier !== 'vars') {
        fail(
          `Section [${name}:${modifier}] has unknown type: ${modifier}`,
          'the section type must be one of hosts, children or vars',
        );
      }
      group = name;
      state = modifier as State;
      if (!data.groups.has(name)) {
        // [g] and [g:children] declare a group; [g:vars] alone does not, but g may be declared further down.
        if (state === 'vars' && !pending.has(name))
          pending.set(name, { line: lineno, state: 'vars', parents: [] });
        data.addGroup(name);
      }
      const p = pending.get(name);
      if (p && state !== 'vars') {
        if (p.state === 'children') addPendingChildren(name);
        else pending.delete(name);
      }
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      fail(
        `Invalid section entry: '${line}'. Please make sure that there are no spaces in the section entry, ` +
          'and that there are no other invalid characters',
      );
    }

    if (state === 'hosts') {
      const { hosts, port, vars } = parseHostLine(line, fail);
      const label = `${file}:${lineno}`;
      for (const h of hosts) {
        data.addHost(h, group, port, label);
        for (const [k, v] of Object.entries(vars)) data.setHostVar(h, k, v, label);
      }
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) fail(`Expected key=value, got: ${line}`);
      const key = line.slice(0, eq).trim();
      data.setGroupVar(group, key, pythonValue(line.slice(eq + 1).trim()), `${file} [${group}:vars]`);
    } else {
      const cm = GROUP_NAME.exec(line);
      if (!cm) fail(`Expected group name, got: ${line}`);
      const child = cm![1]!;
      if (data.groups.has(child)) {
        data.addChild(group, child, { file, line: lineno });
      } else {
        const p = pending.get(child);
        if (p) p.parents.push(group);
        else pending.set(child, { line: lineno, state: 'children', parents: [group] });
      }
    }
  }

  // Anything still pending was never declared; report the first one, like Ansible.
  for (const [name, p] of pending) {
    lineno = p.line;
    if (p.state === 'vars') {
      fail(
        `Section [${name}:vars] not valid for undefined group: ${name}`,
        `declare the group with [${name}] or [${name}:children], or list it under another group's :children`,
      );
    }
    const parent = p.parents[p.parents.length - 1]!;
    fail(
      `Section [${parent}:children] includes undefined group: ${name}`,
      `declare the group with a [${name}] or [${name}:children] section`,
    );
  }
}

/** `name[01:03]:22 a=1 b="x y"  # comment` → host names, port, typed vars. */
function parseHostLine(
  line: string,
  fail: (message: string, hint?: string) => never,
): { hosts: string[]; port?: number; vars: Vars } {
  let tokens: string[];
  try {
    tokens = shlexSplit(line);
  } catch (e) {
    if (e instanceof ShlexError) return fail(`Error parsing host definition '${line}': ${e.message}`);
    throw e;
  }
  const pattern = tokens[0] ?? '';
  let expanded;
  try {
    expanded = expandHostPattern(pattern);
  } catch (e) {
    if (e instanceof HostRangeError) return fail(e.message, `in host pattern '${pattern}'`);
    throw e;
  }
  if (pattern.trim().endsWith(':') && expanded.port === undefined) {
    fail(
      `Invalid host pattern '${pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`,
    );
  }
  if (expanded.hosts.some((h) => h.trim() === '---')) {
    fail(
      `Invalid host pattern '${pattern}' supplied, '---' is normally a sign this is a YAML file.`,
      'YAML inventories need a .yml/.yaml extension (or no extension) to be read as YAML',
    );
  }
  const vars: Vars = {};
  for (const t of tokens.slice(1)) {
    const eq = t.indexOf('=');
    if (eq < 0) fail(`Expected key=value host variable assignment, got: ${t}`);
    setVar(vars, t.slice(0, eq), pythonValue(t.slice(eq + 1)));
  }
  return { hosts: expanded.hosts, port: expanded.port, vars };
}
