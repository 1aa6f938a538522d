// copy: put a controller file, a directory tree or inline content on the host, with mode and owner.
import { statSync } from 'node:fs';
import { readLocalFile } from '../src/core/read.js';
import { basename, posix } from 'node:path';
import { defineModule, type Plan, type PlanContext } from '../src/core/module.js';
import { dirTree, type DirTree } from '../src/facts/dir-tree.js';
import { fileStat, type StatInfo } from '../src/facts/file-stat.js';
import { planDirCopy, walkLocal, type LocalTree } from './_shared/dir-copy.js';
import { unused } from './_shared/facts.js';
import { fileCommonParams } from './_shared/file-params.js';
import { parseMode, type ModeSpec } from './_shared/mode.js';
import { planSingleFile, singleFileFacts } from './_shared/single-file.js';

const params = {
  src: {
    type: 'path',
    description: "Controller path (searched in the role's files/); a directory copies recursively.",
  },
  content: { type: 'str', description: 'Write this text instead of a source file.' },
  dest: {
    type: 'path',
    required: true,
    description: "Remote path; ending in '/' (or an existing directory) means into it.",
  },
  ...fileCommonParams,
  directory_mode: { type: 'raw', description: 'Mode of directories created by a recursive copy.' },
  force: {
    type: 'bool',
    default: true,
    aliases: ['thirsty'],
    description: 'Replace a different existing file; false writes only when dest is absent.',
  },
  backup: { type: 'bool', default: false, description: 'Keep a timestamped copy of the replaced file.' },
  validate: {
    type: 'str',
    description: "Command run on the new file before it replaces dest ('visudo -cf %s').",
  },
  remote_src: {
    type: 'bool',
    default: false,
    description: 'src is a file on the host, not on the controller.',
  },
  follow: {
    type: 'bool',
    default: false,
    description: 'Write through a symlink at dest instead of replacing it.',
  },
  local_follow: {
    type: 'bool',
    default: true,
    description: 'Accepted; controller symlinks are always followed.',
  },
  checksum: { type: 'str', description: 'Accepted for compatibility (sha1 of src).' },
  decrypt: {
    type: 'bool',
    default: true,
    description: 'Accepted (vault files are decrypted by the controller).',
  },
} as const;

type SourceKind =
  | { kind: 'content'; content: Buffer }
  | { kind: 'file'; path: string }
  | { kind: 'dir'; path: string }
  | { kind: 'remote'; path: string }
  | { kind: 'missing'; msg: string };

/** Where the bytes come from: inline content, a controller file or tree, or a file on the host. */
function resolveSource(
  p: { src?: string; content?: string; remote_src: boolean },
  ctx: PlanContext,
): SourceKind {
  if (p.content !== undefined) return { kind: 'content', content: Buffer.from(p.content, 'utf8') };
  const src = p.src ?? '';
  if (p.remote_src) return { kind: 'remote', path: src };
  let path: string;
  try {
    path = ctx.findFile('files', src);
    const st = statSync(path);
    return st.isDirectory() ? { kind: 'dir', path } : { kind: 'file', path };
  } catch {
    return {
      kind: 'missing',
      msg:
        `Could not find or access '${src}' on the Ansible Controller.\n` +
        'If you are using a module and expect the file to exist on the remote, see the remote_src option',
    };
  }
}

/** Where a directory source lands: `src/` copies its contents into dest, `src` the directory itself. */
function treeRoot(src: string, dest: string): string {
  return src.endsWith('/') ? dest : `${dest.replace(/\/+$/, '')}/${basename(src)}`;
}

export const copy = defineModule({
  name: 'copy',
  doc: {
    short: 'Copy files to the host',
    description:
      'Compares the sha1 of source and destination, then mode, owner and group; writes atomically. A ' +
      "directory src copies recursively (with a trailing '/' its contents, without it the directory itself).",
    examples: [
      '- copy: src=motd dest=/etc/motd mode=0644',
      '- copy:',
      '    content: "{{ cfg | to_nice_json }}"',
      '    dest: /etc/app/config.json',
      '    owner: app',
      '    backup: true',
      '- copy: src=site/ dest=/var/www/ directory_mode=0755',
    ].join('\n'),
    returns: {
      dest: 'Destination path.',
      src: 'Source path.',
      checksum: 'sha1 of the file after the copy.',
      md5sum: 'md5 of the file after the copy.',
      size: 'Size in bytes.',
      mode: 'Permissions of the file.',
      owner: 'Owner name.',
      group: 'Group name.',
      uid: 'Owner id.',
      gid: 'Group id.',
      state: "'file'.",
      backup_file: 'Name of the backup, when one was made.',
    },
  },
  params,
  mutuallyExclusive: [['content', 'src']],
  requiredOneOf: [['content', 'src']],
  check: 'full',
  diff: true,
  runsOn: 'host',
  facts(p, ctx) {
    const source = resolveSource(p, ctx);
    const srcBase = source.kind === 'content' ? undefined : basename(p.src ?? '');
    const single = singleFileFacts(p.dest, srcBase || undefined, ctx);
    return {
      ...single,
      // With remote_src the source may turn out to be a directory: both trees are read (cheap for a file).
      tree:
        source.kind === 'dir' || source.kind === 'remote'
          ? dirTree(treeRoot(p.src ?? '', p.dest))
          : unused<DirTree>(),
      srcStat: source.kind === 'remote' ? fileStat([source.path], { follow: true }) : unused<StatInfo[]>(),
      srcTree: source.kind === 'remote' ? dirTree(source.path) : unused<DirTree>(),
    };
  },
  plan(p, f, ctx): Plan {
    if (p.content !== undefined && p.dest.endsWith('/'))
      return failed('can not use content with a dir as dest');
    let mode: ModeSpec | undefined;
    let dirMode: ModeSpec | undefined;
    try {
      mode = parseMode(p.mode);
      dirMode = parseMode(p.directory_mode);
    } catch (e) {
      return failed((e as Error).message);
    }
    const source = resolveSource(p, ctx);
    const common = {
      force: p.force,
      backup: p.backup,
      validate: p.validate,
      follow: p.follow,
    };
    // A recursive copy, of a controller tree or (remote_src) of one on the host.
    const dirCopy = (root: string, srcLabel: string, local: LocalTree, tree: DirTree) =>
      planDirCopy(
        {
          root,
          dest: p.dest,
          srcLabel,
          local,
          mode,
          dirMode,
          owner: p.owner,
          group: p.group,
          force: p.force,
          backup: p.backup,
          validate: p.validate,
        },
        tree,
      );
    switch (source.kind) {
      case 'missing':
        return failed(source.msg);
      case 'content':
        return planSingleFile(
          {
            ...common,
            dest: p.dest,
            content: source.content,
            attrs: { mode, owner: p.owner, group: p.group },
          },
          f,
          ctx,
        );
      case 'file': {
        const content = readLocalFile(source.path);
        const preserveFrom = statSync(source.path).mode;
        return planSingleFile(
          {
            ...common,
            dest: p.dest,
            srcBase: basename(source.path),
            content,
            srcLabel: source.path,
            attrs: { mode, owner: p.owner, group: p.group, preserveFrom },
          },
          f,
          ctx,
        );
      }
      case 'remote': {
        const s = f.srcStat?.[0];
        if (!s?.exists) return failed(`Source ${source.path} not found`);
        if (s.type === 'directory') {
          if (!f.tree || !f.srcTree?.exists) return failed(`Source ${source.path} not readable`);
          return dirCopy(
            treeRoot(source.path, p.dest),
            source.path,
            remoteTree(source.path, f.srcTree),
            f.tree,
          );
        }
        if (s.checksum === undefined) return failed(`Source ${source.path} not readable`);
        const preserveFrom = s.mode === undefined ? undefined : parseInt(s.mode, 8);
        return planSingleFile(
          {
            ...common,
            dest: p.dest,
            srcBase: basename(source.path),
            content: { path: source.path, sha1: s.checksum, size: s.size ?? 0 },
            srcLabel: source.path,
            attrs: { mode, owner: p.owner, group: p.group, preserveFrom },
          },
          f,
          ctx,
        );
      }
      case 'dir': {
        if (!f.tree) return failed('internal: no tree fact for a directory copy');
        return dirCopy(treeRoot(p.src ?? '', p.dest), source.path, walkLocal(source.path), f.tree);
      }
    }
  },
});

/** A directory on the host as the tree a recursive copy walks (files keep their bytes on the host). */
function remoteTree(src: string, tree: DirTree): LocalTree {
  const out: LocalTree = { dirs: [], files: [] };
  const entries = [...tree.entries.values()]
    .filter((e) => e.rel !== '')
    .sort((a, b) => (a.rel < b.rel ? -1 : 1));
  for (const e of entries) {
    const abs = posix.join(src, e.rel);
    if (e.type === 'directory') out.dirs.push(e.rel);
    else if (e.type === 'file' && e.sha1 !== undefined) {
      out.files.push({
        rel: e.rel,
        abs,
        mode: parseInt(e.mode, 8),
        remote: { path: abs, sha1: e.sha1, size: e.size },
      });
    }
  }
  return out;
}

function failed(msg: string): Plan {
  return { changed: false, steps: [], failed: true, result: { msg } };
}
