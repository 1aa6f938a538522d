// The system `git` (and `tar`) run with argument arrays, never a shell: shallow fetch of one version, export.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** Why a fetch failed: the version is not there, or the repository could not be read at all. */
export type FetchFailure = 'not-found' | 'unreachable';

export class GitFetchError extends Error {
  constructor(
    readonly failure: FetchFailure,
    message: string,
  ) {
    super(message);
    this.name = 'GitFetchError';
  }
}

export class CommandError extends Error {
  constructor(
    readonly cmd: string[],
    readonly code: number | string | null,
    readonly stderr: string,
  ) {
    super(`${cmd.join(' ')} failed (${String(code)}): ${lastLines(stderr)}`);
    this.name = 'CommandError';
  }
}

/** What git said, minus boilerplate, on one line: ssh's own reason ("Permission denied (publickey)") included. */
export function lastLines(stderr: string): string {
  const boilerplate =
    /^(?:Please make sure you have the correct access rights|and the repository exists\.|hint:)/;
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !boilerplate.test(l))
    .map((l) => l.replace(/^(?:fatal|error): /, ''))
    .join('; ');
}

function run(cmd: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd,
        maxBuffer: 64 * 1024 * 1024,
        // English messages, so that "couldn't find remote ref" can be recognised. The user's ssh keys, agent,
        // credential helpers and url.insteadOf settings still apply: nothing else in the environment changes.
        env: { ...process.env, LC_ALL: 'C', LANGUAGE: 'C' },
      },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as { code?: number | string }).code ?? null;
          reject(new CommandError([cmd, ...args], code, String(stderr || err.message)));
        } else resolvePromise(String(stdout));
      },
    );
  });
}

/** Run git; resolves to its stdout, rejects with a CommandError. */
export function git(args: string[], cwd?: string): Promise<string> {
  return run('git', args, cwd);
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
const SHORT_SHA = /^[0-9a-f]{4,63}$/i;

export function isFullSha(v: string): boolean {
  return FULL_SHA.test(v);
}

/** Stderr of a fetch that reached the repository but did not find the wanted ref or object. */
function isMissingRef(stderr: string): boolean {
  return /couldn't find remote ref|not our ref|unadvertised object|no such remote ref|invalid refspec/i.test(
    stderr,
  );
}

async function revParse(repo: string, rev: string): Promise<string | undefined> {
  try {
    return (
      (await git(['-C', repo, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

async function fetch(repo: string, url: string, refspecs: string[], depth: boolean): Promise<void> {
  // `--` ends the options: the URL and refspecs come from a requirements file.
  await git([
    '-C',
    repo,
    'fetch',
    '--quiet',
    '--no-tags',
    ...(depth ? ['--depth', '1'] : []),
    '--',
    url,
    ...refspecs,
  ]);
}

function unreachable(url: string, e: unknown): GitFetchError {
  const detail = e instanceof CommandError ? lastLines(e.stderr) : String(e);
  return new GitFetchError('unreachable', `repository ${url} is unreachable: ${detail}`);
}

/** Every branch and tag: the fallback when a commit cannot be fetched on its own. */
async function fetchAll(repo: string, url: string): Promise<void> {
  try {
    await fetch(repo, url, ['+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'], false);
  } catch (e) {
    throw unreachable(url, e);
  }
}

/**
 * Fetch one version of `url` into the (empty, bare) repository `repo` and return its commit.
 * A branch or tag is fetched with depth 1; '' means the remote's HEAD. A full commit id is fetched directly
 * (servers allow it for reachable commits over protocol v2); if the server refuses, everything is fetched and the
 * commit looked up, which is also how an abbreviated id is found.
 */
export async function fetchVersion(
  repo: string,
  url: string,
  version: string,
  shownSrc = url,
): Promise<string> {
  const notFound = (): GitFetchError =>
    new GitFetchError('not-found', `version '${version}' not found in ${shownSrc}`);
  if (isFullSha(version)) {
    try {
      await fetch(repo, url, [version], true);
    } catch (e) {
      if (!(e instanceof CommandError) || !isMissingRef(e.stderr)) throw unreachable(shownSrc, e);
      await fetchAll(repo, url);
    }
    const commit = await revParse(repo, version);
    if (!commit) throw notFound();
    return commit;
  }
  try {
    await fetch(repo, url, [version || 'HEAD'], true);
  } catch (e) {
    if (!(e instanceof CommandError) || !isMissingRef(e.stderr)) throw unreachable(shownSrc, e);
    if (!SHORT_SHA.test(version)) throw notFound();
    await fetchAll(repo, url);
    const commit = await revParse(repo, version);
    if (!commit) throw notFound();
    return commit;
  }
  const commit = await revParse(repo, 'FETCH_HEAD');
  if (!commit) throw notFound();
  return commit;
}

/** A new empty bare repository to fetch into. */
export async function initBare(repo: string): Promise<void> {
  await git(['init', '--quiet', '--bare', repo]);
}

/**
 * Write the tree of `commit` into the existing directory `dest`, without `.git`, as `git archive` gives it (so
 * `export-ignore` attributes apply, as with ansible-galaxy). tar.umask=0022 gives 0644/0755 whatever the umask.
 */
export async function exportTree(repo: string, commit: string, dest: string, scratch: string): Promise<void> {
  const tarFile = join(scratch, 'export.tar');
  await git(['-C', repo, '-c', 'tar.umask=0022', 'archive', '--format=tar', `--output=${tarFile}`, commit]);
  await run('tar', ['-x', '-f', tarFile, '-C', dest, '--no-same-owner']);
}
