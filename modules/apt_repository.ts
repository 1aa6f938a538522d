// apt_repository: add or remove a one-line apt source in /etc/apt/sources.list.d (and refresh the lists).
import { defineModule, type FileDiff, type ModuleResult, type Plan, type Step } from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { globFiles } from '../src/facts/glob-files.js';
import { aptGet, type AptOptions } from './_shared/apt-get.js';
import {
  editSources,
  parseSourceLine,
  sourceFile,
  SOURCES_DIR,
  SOURCES_LIST,
} from './_shared/apt-sources.js';
import { failPlan } from './_shared/fail.js';
import { parseMode, resolveMode } from './_shared/mode.js';

const params = {
  repo: {
    type: 'str',
    required: true,
    description:
      "A sources.list line: 'deb [signed-by=/etc/apt/keyrings/x.gpg] https://host/path suite component'.",
  },
  state: {
    type: 'str',
    default: 'present',
    choices: ['absent', 'present'],
    description: 'Whether the line is there.',
  },
  mode: { type: 'raw', description: 'Mode of a newly created list file (default 0644).' },
  update_cache: {
    type: 'bool',
    default: true,
    aliases: ['update-cache'],
    description: 'Run apt-get update after a change.',
  },
  update_cache_retries: { type: 'int', default: 5, description: 'Accepted for compatibility.' },
  update_cache_retry_max_delay: { type: 'int', default: 12, description: 'Accepted for compatibility.' },
  validate_certs: { type: 'bool', default: true, description: 'Accepted (only PPAs need a download).' },
  filename: {
    type: 'str',
    description: 'Name of the file in sources.list.d, without .list (default: made from the URL).',
  },
  codename: { type: 'str', description: 'Release codename for a PPA (PPAs are not supported).' },
  install_python_apt: { type: 'bool', default: true, description: 'Accepted; tsible needs no python3-apt.' },
} as const;

const UPDATE_OPTIONS: AptOptions = {
  dpkgOptions: '',
  force: false,
  allowUnauthenticated: false,
  allowDowngrade: false,
  allowChangeHeld: false,
  lockTimeout: 60,
};

export const apt_repository = defineModule({
  name: 'apt_repository',
  doc: {
    short: 'Add and remove APT repositories',
    description:
      'A source already present anywhere in sources.list or sources.list.d/*.list (compared with ' +
      'whitespace collapsed) counts as present; a commented-out copy is enabled instead of adding another. ' +
      'state=absent deletes the enabled lines, and a file left empty. Lines not involved keep their text.',
    examples: [
      '- apt_repository:',
      '    repo: deb [signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable',
      '    filename: docker',
      "- apt_repository: repo='deb http://deb.debian.org/debian bookworm-backports main' state=absent",
    ].join('\n'),
    returns: {
      repo: 'The source line.',
      state: 'present or absent.',
      sources_added: 'Files created.',
      sources_removed: 'Files deleted.',
    },
  },
  params,
  check: 'full',
  diff: true,
  runsOn: 'host',
  facts(p) {
    const target = p.repo.startsWith('ppa:')
      ? undefined
      : sourceFile(parseSourceLine(p.repo).source, p.filename);
    return { lists: globFiles([SOURCES_LIST, `${SOURCES_DIR}/*.list`, ...(target ? [target] : [])]) };
  },
  plan(p, f, ctx): Plan {
    if (p.repo.startsWith('ppa:'))
      return failPlan(
        'PPA repositories need Launchpad and are not supported by tsible; give the deb line and its key',
      );
    const s = parseSourceLine(p.repo);
    if (!s.valid || !s.enabled) return failPlan(`Invalid repository string: ${p.repo}`);
    let mode: string | undefined;
    try {
      const spec = parseMode(p.mode ?? '0644');
      mode = spec ? resolveMode(spec, undefined, false) : undefined;
    } catch (e) {
      return failPlan((e as Error).message);
    }
    const current = new Map<string, string>();
    for (const file of f.lists)
      if (!current.has(file.path)) current.set(file.path, file.content.toString('utf8'));
    const target = sourceFile(s.source, p.filename);
    const edit = editSources(current, s.source, p.state as 'present' | 'absent', target);
    const result: ModuleResult = {
      repo: s.source,
      state: p.state,
      sources_added: edit.added,
      sources_removed: edit.removed,
    };
    if (edit.files.size === 0) return { changed: false, steps: [], result };
    const steps: Step[] = [];
    const diff: FileDiff[] = [];
    for (const [path, text] of edit.files) {
      const before = current.get(path);
      if (text === undefined) steps.push({ kind: 'run', cmd: sh`rm -f -- ${path}` });
      else {
        steps.push({
          kind: 'put',
          dest: path,
          content: Buffer.from(text, 'utf8'),
          ...(before === undefined && mode !== undefined ? { mode } : {}),
        });
      }
      diff.push({
        before: before ?? '',
        after: text ?? '',
        beforeHeader: before === undefined ? '/dev/null' : path,
        afterHeader: text === undefined ? '/dev/null' : path,
      });
    }
    if (p.update_cache) {
      steps.push({ kind: 'run', cmd: updateOrRevert(edit.files, current), label: 'apt-get update' });
    }
    return { changed: true, steps, result, ...(ctx.diff ? { diff } : {}) };
  },
});

/**
 * apt-get update; if it fails, the list files go back to what they were (as Ansible reverts them), so a
 * broken source does not break every later apt run. The old contents travel base64-encoded in the script.
 */
function updateOrRevert(
  changed: ReadonlyMap<string, string | undefined>,
  before: ReadonlyMap<string, string>,
): string {
  const restore = [...changed.keys()].map((path) => {
    const old = before.get(path);
    return old === undefined
      ? sh`rm -f -- ${path}`
      : sh`printf '%s' ${Buffer.from(old, 'utf8').toString('base64')} | base64 -d > ${path}`;
  });
  return [
    sh`${aptGet(UPDATE_OPTIONS)} update`,
    'rc=$?',
    '[ $rc -eq 0 ] && exit 0',
    ...restore,
    'echo "apt-get update failed; the sources were restored" >&2',
    'exit $rc',
  ].join('\n');
}
