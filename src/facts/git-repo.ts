// Fact: a git checkout's state (HEAD, branch, remote URL, local changes) and, when needed, the remote's refs.
import type { Fact } from '../core/module.js';
import { quote } from '../core/sh.js';

export interface GitRepoState {
  /** The git program is missing. */
  noGit: boolean;
  /** dest holds a repository (dest/.git, or for bare a git directory). */
  repo: boolean;
  /** dest exists, is not a repository, and is not an empty directory. */
  occupied: boolean;
  head: string;
  branch: string;
  remoteUrl: string;
  /** Tracked files differ from HEAD. */
  modified: boolean;
  /** The full commit a SHA-like version names, when the local repository has it. */
  localSha: string;
  /** `git ls-remote --symref` output; undefined when it was not needed. */
  lsRemote?: { ok: boolean; text: string };
  /** .gitmodules exists. */
  submodules: boolean;
}

export interface GitRepoQuery {
  git: string;
  dest: string;
  repo: string;
  remote: string;
  version: string;
  bare: boolean;
  /** Environment words (GIT_SSH_COMMAND=...) for commands that reach the remote. */
  env: string;
  /** Ask the remote when there is a repository to update, or when there is none (to clone). */
  lsRemoteIfRepo: boolean;
  lsRemoteIfNoRepo: boolean;
}

export function gitRepo(q: GitRepoQuery): Fact<GitRepoState> {
  const gitDir = q.bare ? '"$d"' : '"$d/.git"';
  const cmd = [
    `g=${quote(q.git)}; d=${quote(q.dest)}; r=${quote(q.remote)}; v=${quote(q.version)}; u=${quote(q.repo)}`,
    'command -v "$g" >/dev/null 2>&1 || { echo nogit=yes; exit 0; }',
    `if [ -e ${gitDir} ] && "$g" -C "$d" rev-parse --git-dir >/dev/null 2>&1; then`,
    '  echo repo=yes',
    '  echo "head=$("$g" -C "$d" rev-parse --verify -q HEAD)"',
    '  echo "branch=$("$g" -C "$d" symbolic-ref -q --short HEAD)"',
    '  echo "url=$("$g" -C "$d" config --get "remote.$r.url")"',
    q.bare
      ? ''
      : '  [ -n "$("$g" -C "$d" status --porcelain --untracked-files=no 2>/dev/null | head -c1)" ] && echo modified=yes',
    '  case "$v" in *[!0-9a-fA-F]*) ;; ?*) echo "sha=$("$g" -C "$d" rev-parse --verify -q "$v^{commit}")" ;; esac',
    q.bare ? '' : '  [ -f "$d/.gitmodules" ] && echo submodules=yes',
    `  ask=${q.lsRemoteIfRepo ? 'yes' : 'no'}`,
    'else',
    '  if [ -e "$d" ] && [ -n "$(ls -A -- "$d" 2>/dev/null)" ]; then echo occupied=yes; fi',
    `  ask=${q.lsRemoteIfNoRepo ? 'yes' : 'no'}`,
    'fi',
    'if [ "$ask" = yes ]; then',
    `  o=$(${q.env} "$g" ls-remote --symref -- "$u" 2>&1); echo "lsrc=$?"`,
    '  printf \'%s\\n\' "$o" | base64 -w0; echo',
    'fi',
  ]
    .filter((l) => l !== '')
    .join('\n');
  return { cmd, parse: (out) => parseGitRepo(out.stdout) };
}

export function parseGitRepo(stdout: string): GitRepoState {
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(stdout)?.[1] ?? '';
  const lsrc = /^lsrc=(\d+)\n(.*)$/m.exec(stdout);
  return {
    noGit: get('nogit') === 'yes',
    repo: get('repo') === 'yes',
    occupied: get('occupied') === 'yes',
    head: get('head'),
    branch: get('branch'),
    remoteUrl: get('url'),
    modified: get('modified') === 'yes',
    localSha: get('sha'),
    submodules: get('submodules') === 'yes',
    ...(lsrc
      ? { lsRemote: { ok: lsrc[1] === '0', text: Buffer.from(lsrc[2] ?? '', 'base64').toString('utf8') } }
      : {}),
  };
}

export interface RemoteRefs {
  /** The branch HEAD points to (refs/heads/ stripped). */
  headBranch?: string;
  /** ref name → commit (tags peeled to their commit). */
  refs: Map<string, string>;
}

export function parseLsRemote(text: string): RemoteRefs {
  const refs = new Map<string, string>();
  let headBranch: string | undefined;
  const peeled = new Map<string, string>();
  for (const line of text.split('\n')) {
    const sym = /^ref: refs\/heads\/(\S+)\tHEAD$/.exec(line);
    if (sym) {
      headBranch = sym[1];
      continue;
    }
    const m = /^([0-9a-f]{40,64})\t(\S+)$/.exec(line);
    if (!m) continue;
    if (m[2]!.endsWith('^{}')) peeled.set(m[2]!.slice(0, -3), m[1]!);
    else refs.set(m[2]!, m[1]!);
  }
  for (const [ref, sha] of peeled) refs.set(ref, sha);
  return { headBranch, refs };
}
