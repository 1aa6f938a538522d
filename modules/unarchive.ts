// unarchive: extract a tar(.gz/.xz/.bz2/.zst) or zip archive from the controller or the host into a directory.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import {
  defineModule,
  type Fact,
  type Plan,
  type PlanContext,
  type Step,
  type StepOutput,
} from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { fileStat, type StatInfo } from '../src/facts/file-stat.js';
import { pathList, type PathEntry } from '../src/facts/path-list.js';
import { unused } from './_shared/facts.js';
import { attrChanges, hasChanges } from './_shared/file-attrs.js';
import { fileCommonParams } from './_shared/file-params.js';
import {
  differing,
  extractCmd,
  memberFilter,
  readArchive,
  relativeTo,
  remoteArchive,
  topLevel,
  type Archive,
  type ArchiveEntry,
  type Handler,
  type RemoteArchive,
} from './_shared/files-archive.js';
import { pathInfoFromStat } from './_shared/files-pathinfo.js';
import { parseMode, type ModeSpec } from './_shared/mode.js';
import { parentOf } from './_shared/single-file.js';
import { sha1 } from './_shared/file-write.js';
import { chmodArg, decryptParam, failed } from './_shared/files-common.js';

const params = {
  src: {
    type: 'path',
    required: true,
    description:
      "The archive: a controller file (searched in the role's files/), or on the host with remote_src.",
  },
  dest: { type: 'path', required: true, description: 'Existing directory to extract into.' },
  remote_src: { type: 'bool', default: false, description: 'src is already on the host.' },
  creates: { type: 'path', description: 'If this path exists, do nothing.' },
  list_files: { type: 'bool', default: false, description: 'Return the members in `files`.' },
  keep_newer: {
    type: 'bool',
    default: false,
    description: 'tar: do not replace files newer than the archive.',
  },
  exclude: { type: 'list', elements: 'str', default: [], description: 'Members (globs) not to extract.' },
  include: { type: 'list', elements: 'str', default: [], description: 'Only extract these members (globs).' },
  extra_opts: { type: 'list', elements: 'str', default: [], description: 'More options for tar or unzip.' },
  io_buffer_size: { type: 'int', default: 65536, description: 'Accepted; not used.' },
  validate_certs: { type: 'bool', default: true, description: 'Accepted; URL sources are not supported.' },
  decrypt: decryptParam,
  ...fileCommonParams,
} as const;

interface LocalArchive {
  path: string;
  data: Buffer;
  archive: Archive;
}

// The controller's archive is read once per task: facts() lists dest at its top-level names, plan() uses it.
const localCache = new WeakMap<object, LocalArchive | string>();

function loadLocal(p: { src: string }, ctx: PlanContext): LocalArchive | string {
  const hit = localCache.get(p);
  if (hit !== undefined) return hit;
  let value: LocalArchive | string;
  let path: string;
  try {
    path = ctx.findFile('files', p.src);
    const data = readFileSync(path);
    try {
      value = { path, data, archive: readArchive(data) };
    } catch (e) {
      value = `Failed to find handler for "${path}". Make sure the required command to extract the file is installed.\n${(e as Error).message}`;
    }
  } catch {
    value = `Could not find or access '${p.src}' on the Ansible Controller.`;
  }
  localCache.set(p, value);
  return value;
}

interface UnarchiveFacts {
  [k: string]: Fact<unknown>;
  dest: Fact<StatInfo[]>;
  creates: Fact<StatInfo[] | undefined>;
  remote: Fact<RemoteArchive | undefined>;
  local: Fact<PathEntry[] | undefined>;
}

/** Members in archive order, as list_files reports them (directories with a trailing '/'). */
function memberNames(entries: ArchiveEntry[]): string[] {
  return entries.map((e) => (e.type === 'directory' ? `${e.rel}/` : e.rel));
}

export const unarchive = defineModule({
  name: 'unarchive',
  doc: {
    short: 'Unpack an archive',
    description:
      'Extracts tar, tar.gz, tar.bz2, tar.xz, tar.zst and zip archives into an existing directory. A ' +
      "controller archive is put beside dest first. Idempotent: the archive's members are compared with " +
      'dest (type, size, sha1, link target, and owner/group/mode when given); creates short-circuits.',
    examples: [
      '- unarchive: src=app-1.2.tar.gz dest=/opt owner=app',
      '- unarchive: src=/tmp/site.zip dest=/var/www remote_src=true',
    ].join('\n'),
    returns: {
      dest: 'The directory.',
      src: 'The archive.',
      handler: 'TgzArchive, TarXzArchive, TarArchive, ZipArchive, ...',
      files: 'The members (with list_files).',
      extract_results: 'cmd, rc, out, err of the extraction.',
    },
  },
  params,
  check: 'partial',
  diff: false,
  runsOn: 'host',
  facts(p, ctx): UnarchiveFacts {
    const filter = memberFilter(p.include, p.exclude);
    let local: Fact<PathEntry[] | undefined> = unused<PathEntry[]>();
    if (!p.remote_src) {
      const l = loadLocal(p, ctx);
      if (typeof l !== 'string') {
        const tops = topLevel(l.archive.entries.filter((e) => filter(e.rel)));
        local = pathList(
          tops.map((t) => posix.join(p.dest, t)),
          { checksum: 'sha1' },
        );
      }
    }
    return {
      dest: fileStat([p.dest], { follow: true, checksum: false }),
      creates: p.creates === undefined ? unused<StatInfo[]>() : fileStat([p.creates], { checksum: false }),
      remote: p.remote_src
        ? remoteArchive(p.src, p.dest, { include: p.include, exclude: p.exclude, extraOpts: p.extra_opts })
        : unused<RemoteArchive>(),
      local,
    };
  },
  plan(p, f, ctx): Plan {
    if (p.creates !== undefined && f.creates?.[0]?.exists) {
      return {
        changed: false,
        steps: [],
        skipped: true,
        result: { msg: `skipped, since ${p.creates} exists` },
      };
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p.src)) {
      return failed('URL sources are not supported by tsible; download the archive with get_url first');
    }
    let mode: ModeSpec | undefined;
    try {
      mode = parseMode(p.mode);
    } catch (e) {
      return failed((e as Error).message);
    }
    const destStat = f.dest[0];
    if (!destStat?.exists || destStat.type !== 'directory') {
      return failed(
        p.remote_src
          ? `Destination '${p.dest}' is not a directory`
          : `dest '${p.dest}' must be an existing dir`,
      );
    }
    let handler: Handler;
    let entries: ArchiveEntry[];
    let destList: PathEntry[];
    let local: LocalArchive | undefined;
    if (p.remote_src) {
      const r = f.remote!;
      if (r.state === 'nosrc') return failed(`Source '${p.src}' does not exist`);
      if (r.state === 'unknown' || !r.handler)
        return failed(
          `Failed to find handler for "${p.src}". Make sure the required command to extract the file is installed.`,
        );
      if (r.state === 'error') return failed(`Failed to extract ${p.src}: ${r.error ?? ''}`);
      handler = r.handler;
      entries = r.entries;
      destList = r.dest;
    } else {
      const l = loadLocal(p, ctx);
      if (typeof l === 'string') return failed(l);
      local = l;
      handler = l.archive.handler;
      const filter = memberFilter(p.include, p.exclude);
      entries = l.archive.entries.filter((e) => filter(e.rel));
      destList = relativeTo(p.dest, f.local ?? []);
    }
    const destAbs = (rel: string) => posix.join(p.dest, rel);
    const contentChanged = differing(entries, destList).length > 0;
    // Attributes: every member gets owner/group/mode after an extraction; otherwise only if one differs.
    const byRel = new Map(destList.map((e) => [e.rel, e]));
    const want = { mode, owner: p.owner, group: p.group };
    const attrsWanted = mode !== undefined || p.owner !== undefined || p.group !== undefined;
    const attrsDiffer = entries.some((e) => {
      const d = byRel.get(e.rel);
      if (!d) return true;
      const isLink = d.type === 'link';
      return hasChanges(
        attrChanges(
          { ...d, exists: true },
          isLink ? { owner: p.owner, group: p.group } : want,
          d.type === 'directory',
        ),
      );
    });
    const steps: Step[] = [];
    const opts = { include: p.include, exclude: p.exclude, extraOpts: p.extra_opts, keepNewer: p.keep_newer };
    let extractAt = -1;
    let extract = '';
    if (contentChanged) {
      if (local) {
        // Beside dest, hidden, named by content: the put writes it atomically, the run removes it.
        const tmp = posix.join(parentOf(p.dest), `.tsible-unarchive-${sha1(local.data).slice(0, 16)}`);
        steps.push({ kind: 'put', dest: tmp, content: local.data, mode: '0600' });
        extract = extractCmd(handler, sh`${tmp}`, sh`${p.dest}`, opts);
        steps.push({
          kind: 'run',
          cmd: `${extract}\nrc=$?\n${sh`rm -f -- ${tmp}`}\nexit $rc`,
          label: extract,
        });
      } else {
        extract = extractCmd(handler, sh`${p.src}`, sh`${p.dest}`, opts);
        steps.push({ kind: 'run', cmd: extract });
      }
      extractAt = steps.length - 1;
    }
    if (attrsWanted && (contentChanged || attrsDiffer)) {
      const all = entries.map((e) => destAbs(e.rel));
      const nul = (list: string[]) => Buffer.from(list.map((x) => `${x}\0`).join(''));
      if (p.owner !== undefined || p.group !== undefined) {
        const who =
          p.owner !== undefined ? (p.group !== undefined ? `${p.owner}:${p.group}` : p.owner) : `:${p.group}`;
        // The member list travels on stdin, NUL-separated: no name is ever parsed by the shell.
        steps.push({
          kind: 'run',
          cmd: sh`xargs -0 -r chown -h -- ${who}`,
          stdin: nul(all),
          label: `chown ${who} (members)`,
        });
      }
      const arg = chmodArg(mode);
      if (arg !== undefined) {
        const notLinks = entries.filter((e) => e.type !== 'link').map((e) => destAbs(e.rel));
        steps.push({
          kind: 'run',
          cmd: sh`xargs -0 -r chmod -- ${arg}`,
          stdin: nul(notLinks),
          label: `chmod ${arg} (members)`,
        });
      }
    }
    const result: Record<string, unknown> = {
      dest: p.dest,
      src: local?.path ?? p.src,
      handler,
      ...pathInfoFromStat(destStat, destStat),
      ...(p.list_files ? { files: memberNames(entries) } : {}),
    };
    const plan: Plan = { changed: steps.length > 0, steps, result };
    if (extractAt >= 0) {
      plan.finish = (outputs: StepOutput[]) => {
        const o = outputs[extractAt];
        return {
          extract_results: { cmd: extract, rc: o?.rc ?? 0, out: o?.stdout ?? '', err: o?.stderr ?? '' },
        };
      };
      plan.effects = { files: entries.map((e) => destAbs(e.rel)) };
    }
    return plan;
  },
});
