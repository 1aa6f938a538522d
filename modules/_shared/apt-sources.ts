// One-line apt sources (sources.list, sources.list.d/*.list) as Ansible's apt_repository reads them.
import { posix } from 'node:path';

export const SOURCES_LIST = '/etc/apt/sources.list';
export const SOURCES_DIR = '/etc/apt/sources.list.d';
const TYPES = new Set(['deb', 'deb-src']);

export interface SourceLine {
  /** A deb/deb-src line (possibly commented out). */
  valid: boolean;
  enabled: boolean;
  /** The line without its '#' and comment, whitespace collapsed when valid. */
  source: string;
  comment: string;
}

export function parseSourceLine(text: string): SourceLine {
  let line = text.trim();
  let enabled = true;
  let comment = '';
  if (line.startsWith('#')) {
    enabled = false;
    line = line.slice(1);
  }
  const i = line.indexOf('#');
  if (i > 0) {
    comment = line.slice(i + 1).trim();
    line = line.slice(0, i);
  }
  let source = line.trim();
  let valid = false;
  if (source !== '') {
    const chunks = source.split(/\s+/);
    if (TYPES.has(chunks[0]!)) {
      valid = true;
      source = chunks.join(' ');
    }
  }
  return { valid, enabled, source, comment };
}

export function renderSource(s: { source: string; comment: string; enabled: boolean }): string {
  return `${s.enabled ? '' : '# '}${s.source}${s.comment !== '' ? ` # ${s.comment}` : ''}`;
}

/**
 * The file a new source goes to: `filename` + .list, or a name made from the URL's host and path
 * (`deb [signed-by=k] https://dl.example.com/apt stable main` → dl_example_com_apt.list).
 */
export function sourceFile(source: string, filename?: string): string {
  let name: string;
  if (filename !== undefined) name = `${filename}.list`;
  else {
    const line = source.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '');
    const parts = line.split(/\s+/).filter((p) => p !== '' && !TYPES.has(p));
    let first = parts[0] ?? '';
    const at = first.indexOf('@');
    if (at >= 0) first = first.slice(at + 1);
    name = `${first
      .replace(/[^a-zA-Z0-9]/g, ' ')
      .split(/\s+/)
      .filter(Boolean)
      .join('_')}.list`;
  }
  return name.includes('/') ? name : posix.join(SOURCES_DIR, name);
}

export interface SourcesEdit {
  /** New content by file path; undefined deletes the file. Only changed files are listed. */
  files: Map<string, string | undefined>;
  added: string[];
  removed: string[];
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

const join = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

/**
 * present: enable every line with this source (commented-out ones too), or append it to `target`;
 * absent: delete every enabled line with it, and a file left with no lines at all.
 */
export function editSources(
  current: ReadonlyMap<string, string>,
  source: string,
  state: 'present' | 'absent',
  target: string,
): SourcesEdit {
  const out: SourcesEdit = { files: new Map(), added: [], removed: [] };
  let found = false;
  for (const [path, text] of current) {
    const lines = splitLines(text);
    const next: string[] = [];
    let touched = false;
    for (const line of lines) {
      const s = parseSourceLine(line);
      if (!s.valid || s.source !== source) next.push(line);
      else if (state === 'present') {
        found = true;
        if (s.enabled) next.push(line);
        else {
          next.push(renderSource({ ...s, enabled: true }));
          touched = true;
        }
      } else if (!s.enabled) next.push(line);
      else touched = true;
    }
    if (!touched) continue;
    if (next.length === 0) {
      out.files.set(path, undefined);
      out.removed.push(path);
    } else out.files.set(path, join(next));
  }
  if (state === 'present' && !found) {
    const text = current.get(target);
    out.files.set(target, join([...(text === undefined ? [] : splitLines(text)), source]));
    if (text === undefined) out.added.push(target);
  }
  return out;
}
