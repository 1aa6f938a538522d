// Test helpers: real git repositories holding roles, a git daemon on 127.0.0.1, and the CLI with captured output.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/galaxy.js';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

export function git(args: string[], cwd?: string): string {
  return execFileSync('git', args, {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export function tempDir(prefix = 'tsible-galaxy-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A role under development (work tree) with a bare "server" repository it pushes to. */
export class RoleRepo {
  readonly work: string;
  readonly bare: string;

  constructor(
    readonly base: string,
    readonly repoName: string,
  ) {
    this.work = join(base, 'work', repoName);
    this.bare = join(base, 'srv', `${repoName}.git`);
    mkdirSync(this.work, { recursive: true });
    git(['init', '--quiet', '-b', 'main', this.work]);
    git(['init', '--quiet', '--bare', '-b', 'main', this.bare]);
    git(['remote', 'add', 'origin', this.bare], this.work);
  }

  /** Write files (relative path → content), commit everything, push the branch; returns the commit. */
  commit(files: Record<string, string>, message = 'change', branch = 'main'): string {
    for (const [rel, text] of Object.entries(files)) {
      const p = join(this.work, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
    git(['add', '-A'], this.work);
    git(['-c', 'commit.gpgsign=false', 'commit', '--quiet', '--allow-empty', '-m', message], this.work);
    git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], this.work);
    return git(['rev-parse', 'HEAD'], this.work);
  }

  checkout(branch: string, create = false): void {
    git(['checkout', '--quiet', ...(create ? ['-b'] : []), branch], this.work);
  }

  tag(name: string, annotated = true): void {
    git(['-c', 'tag.gpgsign=false', 'tag', ...(annotated ? ['-a', '-m', name] : []), name], this.work);
    git(['push', '--quiet', 'origin', `refs/tags/${name}`], this.work);
  }

  get fileUrl(): string {
    return `file://${this.bare}`;
  }
}

/** A minimal role's files, with a marker in its task so tests can tell versions apart. */
export function roleFiles(marker: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'tasks/main.yml': `- name: marker\n  debug:\n    msg: ${marker}\n`,
    'meta/main.yml': 'galaxy_info:\n  author: test\ndependencies: []\n',
    ...extra,
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'tsible-galaxy', ...args], {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    env,
  });
  return { code, stdout, stderr };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.on('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });
}

/** `git daemon` serving every repository under basePath on 127.0.0.1:<free port>. */
export async function startGitDaemon(basePath: string): Promise<{ port: number; stop: () => void }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'git',
    [
      'daemon',
      `--base-path=${basePath}`,
      '--export-all',
      '--reuseaddr',
      '--listen=127.0.0.1',
      `--port=${port}`,
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !(await canConnect(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    port,
    stop: () => {
      child.kill();
    },
  };
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
