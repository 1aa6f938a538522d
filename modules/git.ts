// git: clone a repository and keep a checkout at a branch, tag or commit.
import { defineModule, type ModuleResult, type Plan, type RunStep } from '../src/core/module.js';
import { quote, sh } from '../src/core/sh.js';
import { gitRepo, parseLsRemote } from '../src/facts/git-repo.js';
import { failPlan, notInstalledYet } from './_shared/fail.js';

const params = {
  repo: {
    type: 'str',
    required: true,
    aliases: ['name'],
    description: 'The repository URL (https, ssh, git, file or a path).',
  },
  dest: { type: 'path', description: 'Where to check it out (required unless clone=no).' },
  version: {
    type: 'str',
    default: 'HEAD',
    description: 'A branch, a tag, a commit SHA, or HEAD (the remote default branch).',
  },
  remote: { type: 'str', default: 'origin', description: 'The name of the remote.' },
  refspec: { type: 'str', description: 'An extra refspec to fetch.' },
  reference: { type: 'str', description: 'A reference repository (git clone --reference).' },
  force: {
    type: 'bool',
    default: false,
    description: 'Discard local modifications of tracked files (otherwise they make the task fail).',
  },
  depth: { type: 'int', description: 'Shallow clone with this many commits (HEAD, branches and tags only).' },
  clone: { type: 'bool', default: true, description: 'Clone when dest has no repository.' },
  update: {
    type: 'bool',
    default: true,
    description: 'Fetch and move to version when the repository exists.',
  },
  verify_commit: {
    type: 'bool',
    default: false,
    description: 'Verify GPG signatures (not supported by tsible).',
  },
  gpg_whitelist: { type: 'list', elements: 'str', default: [], description: 'Accepted with verify_commit.' },
  accept_hostkey: {
    type: 'bool',
    default: false,
    description: 'Accept an unknown SSH host key (StrictHostKeyChecking=no).',
  },
  accept_newhostkey: {
    type: 'bool',
    default: false,
    description: 'Accept a new, but never a changed, SSH host key.',
  },
  key_file: { type: 'path', description: 'The SSH private key to use.' },
  ssh_opts: { type: 'str', description: 'More ssh options (shell syntax, as for GIT_SSH_COMMAND).' },
  executable: { type: 'path', description: 'The git program to use.' },
  bare: { type: 'bool', default: false, description: 'A bare repository (no working tree).' },
  umask: { type: 'raw', description: 'The umask for the git commands (octal).' },
  recursive: { type: 'bool', default: true, description: 'Also clone and update submodules.' },
  single_branch: { type: 'bool', default: false, description: 'Clone only the history of version.' },
  track_submodules: {
    type: 'bool',
    default: false,
    description: 'Move submodules to their branch heads (submodule update --remote).',
  },
  separate_git_dir: {
    type: 'path',
    description: 'Put the .git directory elsewhere (clone --separate-git-dir).',
  },
  archive: { type: 'path', description: 'Create an archive of the checkout (not supported by tsible).' },
  archive_prefix: { type: 'str', description: 'Prefix for archive (not supported).' },
} as const;

const SHA = /^[0-9a-fA-F]{4,64}$/;

export const git = defineModule({
  name: 'git',
  doc: {
    short: 'Deploy software (or files) from git checkouts',
    description:
      'The remote refs are read with git ls-remote on the host (also in check mode), so the plan knows the ' +
      'commit it will end on: changed when it differs from the current one (or the remote URL changed, or ' +
      'local modifications were discarded). Branches are checked out as local branches reset to the ' +
      'remote one; tags and commits detached.',
    examples: [
      '- git: repo=https://github.com/example/app.git dest=/srv/app version=v1.4.2',
      '- git:',
      '    repo: git@github.com:example/app.git',
      '    dest: /srv/app',
      '    version: main',
      '    accept_newhostkey: yes',
      '    key_file: /home/deploy/.ssh/id_ed25519',
    ].join('\n'),
    returns: {
      before: 'The commit before (null for a new clone).',
      after: 'The commit after.',
      remote_url_changed: 'Whether the remote URL was changed.',
    },
  },
  params,
  requiredIf: [['clone', true, ['dest']]],
  mutuallyExclusive: [['accept_hostkey', 'accept_newhostkey']],
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    return {
      st: gitRepo({
        git: p.executable ?? 'git',
        dest: p.dest ?? '',
        repo: p.repo,
        remote: p.remote,
        version: p.version,
        bare: p.bare,
        env: gitEnv(p),
        lsRemoteIfRepo: p.update,
        lsRemoteIfNoRepo: true,
      }),
    };
  },
  plan(p, f, ctx): Plan {
    const st = f.st;
    if (st.noGit) {
      if (ctx.check && ctx.pending.packages.length > 0) return notInstalledYet('git');
      return failPlan(`git not found on the host (${p.executable ?? 'git'}): install the git package`);
    }
    if (p.verify_commit) return failPlan('verify_commit needs gpg and is not supported by tsible');
    if (p.archive !== undefined) return failPlan('archive is not supported by tsible');
    const result: ModuleResult = { before: st.repo ? st.head || null : null, remote_url_changed: false };
    if (st.repo && !p.update)
      return { changed: false, steps: [], result: { ...result, after: result.before } };
    if (!st.lsRemote?.ok) {
      const why = st.lsRemote?.text.trim() ?? 'git ls-remote did not run';
      return failPlan(`Failed to read the remote refs of ${p.repo}: ${why}`, result);
    }
    const remote = parseLsRemote(st.lsRemote.text);
    const v = p.version;
    let kind: 'head' | 'branch' | 'tag' | 'sha';
    let target: string | undefined;
    let branch: string | undefined;
    if (v === 'HEAD') {
      kind = 'head';
      target = remote.refs.get('HEAD');
      branch = remote.headBranch;
    } else if (remote.refs.has(`refs/heads/${v}`)) {
      kind = 'branch';
      target = remote.refs.get(`refs/heads/${v}`);
      branch = v;
    } else if (remote.refs.has(`refs/tags/${v}`)) {
      kind = 'tag';
      target = remote.refs.get(`refs/tags/${v}`);
    } else if (SHA.test(v)) {
      kind = 'sha';
      target = v.length >= 40 ? v.toLowerCase() : st.localSha || undefined;
    } else {
      return failPlan(`Failed to find version ${v} in ${p.repo}: it is not a branch, tag or commit`, result);
    }
    if (kind === 'sha' && p.depth !== undefined)
      ctx.warn(
        'Ignoring depth argument. Shallow clones are only available for HEAD, branches, tags or in combination with refspec.',
      );
    const depth = kind === 'sha' ? undefined : p.depth;
    const pre = umaskPrefix(p.umask);
    const env = gitEnv(p);
    const g = p.executable ?? 'git';
    const dest = p.dest ?? '';
    const gitC = (args: string) => `${pre}${env} ${sh`${g} -C ${dest}`} ${args}`;
    const steps: RunStep[] = [];

    if (!st.repo) {
      if (!p.clone) return { changed: false, steps: [], result: { ...result, after: target ?? null } };
      if (st.occupied)
        return failPlan(`destination path '${dest}' already exists and is not an empty directory`, result);
      const o: string[] = [];
      if (p.bare) o.push('--bare');
      if (p.remote !== 'origin') o.push('--origin', p.remote);
      if (depth !== undefined) o.push('--depth', String(depth));
      if (kind === 'branch' || kind === 'tag') o.push('--branch', v);
      if (p.single_branch) o.push('--single-branch');
      if (p.recursive && !p.bare) o.push('--recursive');
      if (p.reference !== undefined) o.push('--reference', p.reference);
      if (p.separate_git_dir !== undefined) o.push('--separate-git-dir', p.separate_git_dir);
      steps.push({
        kind: 'run',
        cmd: `${pre}${env} ${sh`${g} clone ${o} -- ${p.repo} ${dest}`}`,
        label: `git clone ${p.repo} ${dest}`,
      });
      if (kind === 'sha' && !p.bare)
        steps.push({ kind: 'run', cmd: gitC(sh`checkout --force --detach ${`${v}^{commit}`}`) });
      if (p.refspec !== undefined) steps.push({ kind: 'run', cmd: gitC(sh`fetch ${p.remote} ${p.refspec}`) });
    } else {
      let changed = false;
      if (st.modified) {
        if (!p.force)
          return failPlan(`Local modifications exist in the destination: ${dest} (force=no).`, result);
        steps.push({ kind: 'run', cmd: gitC('reset --hard HEAD') });
        result.msg = `Local modifications exist in the destination: ${dest}`;
        changed = true;
      }
      if (st.remoteUrl !== p.repo) {
        steps.push({
          kind: 'run',
          cmd: gitC(
            st.remoteUrl === ''
              ? sh`remote add ${p.remote} ${p.repo}`
              : sh`remote set-url ${p.remote} ${p.repo}`,
          ),
        });
        result.remote_url_changed = true;
        changed = true;
      }
      const moves =
        target === undefined || st.head !== target || (branch !== undefined && st.branch !== branch);
      if (moves) {
        const refspecs = p.bare
          ? ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']
          : [`+refs/heads/*:refs/remotes/${p.remote}/*`, '+refs/tags/*:refs/tags/*'];
        if (p.refspec !== undefined) refspecs.push(p.refspec);
        const fo = [
          ...(depth !== undefined ? ['--depth', String(depth)] : []),
          ...(p.force ? ['--force'] : []),
        ];
        steps.push({
          kind: 'run',
          cmd: gitC(sh`fetch ${fo} -- ${p.remote} ${refspecs}`),
          label: `git fetch ${p.remote}`,
        });
        if (!p.bare) {
          if (branch !== undefined) {
            // A local branch reset to the remote one: what Ansible's checkout + reset --hard does.
            steps.push({
              kind: 'run',
              cmd: gitC(sh`checkout --force -B ${branch} ${`${p.remote}/${branch}`}`),
            });
          } else {
            const what = kind === 'tag' ? `refs/tags/${v}^{commit}` : `${v}^{commit}`;
            steps.push({ kind: 'run', cmd: gitC(sh`checkout --force --detach ${what}`) });
          }
        }
      }
      if (target !== undefined && st.head !== target) changed = true;
      if (steps.length === 0) return { changed: false, steps, result: { ...result, after: st.head } };
      if (target === undefined) changed = true;
      if (!changed) {
        // Only the branch is put right (same commit): done quietly, like Ansible's switch_version.
        return { changed: false, steps, result: { ...result, after: st.head } };
      }
    }
    if (p.recursive && !p.bare) {
      steps.push({
        kind: 'run',
        cmd: `if [ -f ${quote(`${dest}/.gitmodules`)} ]; then ${gitC(`submodule update --init --recursive${p.track_submodules ? ' --remote' : ''}`)}; fi`,
      });
    }
    steps.push({ kind: 'run', cmd: gitC('rev-parse HEAD'), label: 'git rev-parse HEAD' });
    return {
      changed: true,
      steps,
      result: { ...result, after: target ?? null },
      finish: (outs) => {
        const after = (outs.at(-1)?.stdout ?? '').trim();
        return after === ''
          ? {}
          : {
              after,
              changed:
                result.before !== after || result.remote_url_changed === true || result.msg !== undefined,
            };
      },
    };
  },
});

/** The environment for commands that reach the remote: no prompts, and the SSH options asked for. */
function gitEnv(p: {
  accept_hostkey: boolean;
  accept_newhostkey: boolean;
  key_file?: string;
  ssh_opts?: string;
}): string {
  const ssh: string[] = ['ssh', '-o', 'BatchMode=yes'];
  if (p.accept_hostkey) ssh.push('-o', 'StrictHostKeyChecking=no');
  if (p.accept_newhostkey) ssh.push('-o', 'StrictHostKeyChecking=accept-new');
  if (p.key_file !== undefined) ssh.push('-i', p.key_file, '-o', 'IdentitiesOnly=yes');
  // git runs GIT_SSH_COMMAND through a shell: each word is quoted for that shell, ssh_opts is shell text.
  const command = [...ssh.map((w) => quote(w)), ...(p.ssh_opts !== undefined ? [p.ssh_opts] : [])].join(' ');
  return `GIT_TERMINAL_PROMPT=0 GIT_SSH_COMMAND=${quote(command)}`;
}

function umaskPrefix(u: unknown): string {
  if (u === undefined || u === null) return '';
  const s = typeof u === 'number' ? u.toString(8) : String(u);
  return /^[0-7]{1,4}$/.test(s) ? `umask ${s}; ` : '';
}
