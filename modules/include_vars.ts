// include_vars: load variables from YAML/JSON files on the controller (a file, or a directory tree).
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { defineModule, type Plan, type PlanContext } from '../src/core/module.js';
import { readLocalText } from '../src/core/read.js';
import { loadYaml } from '../src/core/yaml.js';
import { failPlan } from './_shared/fail.js';

const params = {
  free_form: { type: 'str', description: 'The file to load (include_vars: file.yml).' },
  file: {
    type: 'path',
    description: "A vars file; relative paths are searched in the role's vars/, then beside the playbook.",
  },
  dir: { type: 'path', description: 'Load every vars file in this directory tree (sorted by name).' },
  depth: { type: 'int', default: 0, description: 'How deep to go into dir (0: no limit).' },
  files_matching: {
    type: 'str',
    description: 'With dir: only files whose name matches this regular expression.',
  },
  ignore_files: {
    type: 'list',
    elements: 'str',
    default: [],
    description: 'With dir: file names to skip (regex, anchored at the end).',
  },
  extensions: {
    type: 'list',
    elements: 'str',
    default: ['json', 'yaml', 'yml'],
    description: 'With dir: the file extensions that are vars files.',
  },
  ignore_unknown_extensions: {
    type: 'bool',
    default: false,
    description: 'With dir: skip files with other extensions instead of failing.',
  },
  name: { type: 'str', description: 'Put all the variables under this one name.' },
  hash_behaviour: {
    type: 'str',
    choices: ['replace', 'merge'],
    description: 'merge: deep-merge dictionaries into existing variables of the same name.',
  },
} as const;

export const include_vars = defineModule({
  name: 'include_vars',
  doc: {
    short: 'Load variables from files, dynamically within a task',
    description:
      'Runs on the controller. The variables get include_vars precedence (above play and role vars, below ' +
      "set_fact). Vault-encrypted files are decrypted with the run's vault secrets.",
    examples: [
      '- include_vars: "{{ ansible_os_family }}.yml"',
      '- include_vars:',
      '    dir: vars/common',
      '    files_matching: "\\\\.ya?ml$"',
      '- include_vars: file=secrets.yml name=secrets',
    ].join('\n'),
    returns: {
      ansible_facts: 'The variables loaded.',
      ansible_included_var_files: 'The files read, in order.',
    },
  },
  params,
  freeForm: 'free_form',
  freeFormKeys: [
    'file',
    'dir',
    'depth',
    'files_matching',
    'ignore_files',
    'extensions',
    'ignore_unknown_extensions',
    'name',
    'hash_behaviour',
  ],
  mutuallyExclusive: [
    ['free_form', 'file', 'dir'],
    ['file', 'files_matching'],
    ['file', 'ignore_files'],
    ['file', 'depth'],
  ],
  check: 'full',
  diff: false,
  runsOn: 'controller',
  plan(p, _f, ctx): Plan {
    const single = p.file ?? p.free_form;
    let files: string[];
    try {
      if (p.dir !== undefined) {
        const dir = ctx.findFile('vars', p.dir);
        if (!statSync(dir).isDirectory()) return failPlan(`${p.dir} is not a directory`);
        const walk = walkDir(dir, p);
        if (typeof walk === 'string') return failPlan(walk);
        files = walk;
      } else if (single !== undefined && single.trim() !== '') {
        files = [ctx.findFile('vars', single.trim())];
      } else {
        return failPlan('one of file, dir or the free form is required');
      }
    } catch (e) {
      return failPlan((e as Error).message);
    }
    let vars: Record<string, unknown> = {};
    for (const file of files) {
      let data: unknown;
      try {
        data = loadYaml(readLocalText(file), file);
      } catch (e) {
        return failPlan(`could not load ${file}: ${(e as Error).message}`);
      }
      if (data === null || data === undefined) continue;
      if (typeof data !== 'object' || Array.isArray(data))
        return failPlan(`${file} must be stored as a dictionary/hash`);
      vars = { ...vars, ...(data as Record<string, unknown>) };
    }
    if (p.hash_behaviour === 'merge') vars = mergeExisting(vars, ctx);
    const facts = p.name !== undefined ? { [p.name]: vars } : vars;
    return {
      changed: false,
      steps: [],
      result: { ansible_facts: facts, ansible_included_var_files: files.map((f) => resolve(f)) },
    };
  },
});

/** The vars files below dir, depth-first with names sorted, filtered like Ansible does. */
function walkDir(
  dir: string,
  p: {
    depth: number;
    files_matching?: string;
    ignore_files: string[];
    extensions: string[];
    ignore_unknown_extensions: boolean;
  },
): string[] | string {
  const match = p.files_matching !== undefined ? new RegExp(p.files_matching) : undefined;
  const ignore = p.ignore_files.map((i) => new RegExp(`${i}$`));
  const exts = new Set(p.extensions.map((e) => e.replace(/^\./, '')));
  const out: string[] = [];
  const visit = (d: string, level: number): string | undefined => {
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const path = join(d, e.name);
      if (e.isDirectory() || (e.isSymbolicLink() && statSync(path).isDirectory())) {
        if (p.depth === 0 || level < p.depth) {
          const err = visit(path, level + 1);
          if (err !== undefined) return err;
        }
        continue;
      }
      if (ignore.some((re) => re.test(e.name))) continue;
      if (match && !match.test(e.name)) continue;
      if (!exts.has(extname(e.name).slice(1))) {
        if (p.ignore_unknown_extensions) continue;
        return `${path} does not have a valid extension: ${[...exts].join(', ')}`;
      }
      out.push(path);
    }
    return undefined;
  };
  const err = visit(dir, 1);
  return err ?? out;
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = isDict(cur) && isDict(v) ? deepMerge(cur, v) : v;
  }
  return out;
}

function mergeExisting(vars: Record<string, unknown>, ctx: PlanContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) {
    let existing: unknown;
    try {
      existing = ctx.vars[k];
    } catch {
      existing = undefined;
    }
    out[k] = isDict(existing) && isDict(v) ? deepMerge(existing, v) : v;
  }
  return out;
}
