// Lookups that read the controller's files: file, template, fileglob, first_found, lines, pipe.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { basename as pathBasename, dirname as pathDirname, join, resolve } from 'node:path';
import { fail } from '../fault.js';
import type { LookupFn, Runtime } from '../engine/runtime.js';
import { bindArgs } from '../py/args.js';
import { list, optBool, str } from '../py/coerce.js';
import { pySplitlines } from '../py/str-methods.js';
import { isDict, type Kwargs } from '../py/values.js';
import { glob } from '../glob.js';
import { findFile } from '../search-path.js';

function base(rt: Runtime) {
  return { baseDir: rt.baseDir, searchPaths: rt.searchPaths, templateDir: rt.templateDir };
}

const file: LookupFn = (rt, terms, kw) => {
  const [lstrip, rstrip] = bindArgs('file', ['lstrip', 'rstrip'], [], kw);
  return terms.map((t) => {
    const path = findFile(base(rt), 'files', str(t)) ?? fail(`could not locate file in lookup: ${str(t)}`);
    let text = readFileSync(path, 'utf8');
    if (optBool(lstrip, false)) text = text.trimStart();
    if (optBool(rstrip, true)) text = text.trimEnd();
    return text;
  });
};

const template: LookupFn = (rt, terms, kw) => {
  const { template_vars: extra, convert_data: _convert, ...rest } = kw;
  for (const k of Object.keys(rest)) {
    if (
      ![
        'variable_start_string',
        'variable_end_string',
        'comment_start_string',
        'comment_end_string',
        'jinja2_native',
      ].includes(k)
    ) {
      fail(`template lookup got an unexpected option '${k}'`);
    }
  }
  return terms.map((t) => {
    const path =
      findFile(base(rt), 'templates', str(t)) ??
      fail(`the template file ${str(t)} could not be found for the lookup`);
    const vars = {
      template_path: path,
      template_fullpath: path,
      template_destpath: path,
      template_basename: pathBasename(path),
      template_run_date: new Date().toISOString(),
      ...(isDict(extra) ? extra : {}),
    };
    return rt.renderFile(path, vars);
  });
};

const fileglob: LookupFn = (rt, terms) =>
  terms.flatMap((t) => {
    const term = str(t);
    const dir =
      findFile(base(rt), 'files', pathDirname(term)) ?? (pathDirname(term) === '.' ? rt.baseDir : undefined);
    if (!dir) return [];
    return glob(join(dir, pathBasename(term))).filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
  });

/** first_found: terms may be file names, lists, or dicts with files/paths; kwargs files/paths/skip too. */
const firstFound: LookupFn = (rt, terms, kw: Kwargs) => {
  const [filesKw, pathsKw, skip] = bindArgs('first_found', ['files', 'paths', 'skip'], [], kw);
  const splitList = (v: unknown) =>
    typeof v === 'string'
      ? v
          .split(/[,;:]/)
          .map((s) => s.trim())
          .filter(Boolean)
      : list(v).map((x) => str(x));
  const options: { file: string; paths: string[] }[] = [];
  const add = (files: unknown, paths: unknown) => {
    const ps = paths === undefined || paths === null ? [] : splitList(paths);
    for (const f of files === undefined || files === null ? [] : splitList(files))
      options.push({ file: f, paths: ps });
  };
  for (const t of terms.flatMap((x) => (Array.isArray(x) ? x : [x]))) {
    if (isDict(t)) add(t.files, t.paths);
    else options.push({ file: str(t), paths: pathsKw === undefined ? [] : splitList(pathsKw) });
  }
  if (filesKw !== undefined) add(filesKw, pathsKw);
  const exists = (p: string) => {
    try {
      statSync(p);
      return true;
    } catch {
      return false;
    }
  };
  for (const o of options) {
    const found = o.paths.length
      ? o.paths.map((p) => resolve(rt.baseDir, p, o.file)).find(exists)
      : (findFile(base(rt), 'files', o.file) ??
        findFile(base(rt), 'templates', o.file) ??
        findFile(base(rt), 'vars', o.file));
    if (found) return [found];
  }
  if (optBool(skip, false)) return [];
  return fail('No file was found when using first_found.');
};

function run(rt: Runtime, cmd: string): string {
  try {
    return execFileSync('/bin/sh', ['-c', cmd], {
      cwd: rt.baseDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { status?: number };
    return fail(`lookup_plugin.pipe(${cmd}) returned ${err.status ?? 'an error'}`);
  }
}

const pipe: LookupFn = (rt, terms) => terms.map((t) => run(rt, str(t)).trimEnd());

const lines: LookupFn = (rt, terms) => terms.flatMap((t) => pySplitlines(run(rt, str(t))));

export const FILE_LOOKUPS: Record<string, LookupFn> = {
  file,
  template,
  fileglob,
  first_found: firstFound,
  pipe,
  lines,
};
