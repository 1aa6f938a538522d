// The benchmark's rows: how each tool is started, with which configuration, and the controller set-up
// they need (ansible-core and ansible-mitogen from Debian, GNU time).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execSync, firstLine, log, nodeEntry, ROOT, warn } from './util.js';

export type ToolId = 'tsible' | 'ansible-default' | 'ansible-tuned' | 'mitogen' | 'floor';
export const TOOL_IDS: ToolId[] = ['tsible', 'ansible-default', 'ansible-tuned', 'mitogen', 'floor'];

export const TOOL_LABELS: Record<ToolId, string> = {
  tsible: 'tsible',
  'ansible-default': 'Ansible defaults',
  'ansible-tuned': 'Ansible tuned',
  mitogen: 'Ansible + Mitogen',
  floor: 'floor (1 ssh, 1 script)',
};

export interface ToolCommand {
  argv: string[];
  env: NodeJS.ProcessEnv;
}

export interface RunContext {
  inventory: string;
  playbook: string;
  hosts: number;
  /** A directory private to this run (cwd, ansible.cfg). */
  runDir: string;
  /** HOME for this run: short, since ssh's ControlPath sockets live under it (~108 bytes at most). */
  home: string;
  /** For the floor: the hosts file and script. */
  floorHosts: string;
  floorScript: string;
  floorEnv?: Record<string, string>;
}

/** The environment without any ANSIBLE_ / TSIBLE_ setting of the caller, so each row gets only its own. */
function cleanEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(ANSIBLE_|TSIBLE_)/.test(k)) env[k] = v;
  }
  env['HOME'] = home;
  env['NO_COLOR'] = '1';
  env['ANSIBLE_NOCOLOR'] = '1';
  env['ANSIBLE_FORCE_COLOR'] = '0';
  return env;
}

/** The ansible.cfg of each Ansible row. */
export function ansibleConfig(tool: ToolId, hosts: number, mitogenStrategyDir: string | null): string {
  if (tool === 'ansible-default')
    return '# Ansible at its defaults (the benchmark writes this empty file).\n[defaults]\n';
  const tuned = [
    '# Ansible tuned by the benchmark: pipelining, one fork per host, SSH multiplexing that persists.',
    '[defaults]',
    `forks = ${hosts}`,
  ];
  if (tool === 'mitogen') {
    tuned.push(`strategy_plugins = ${mitogenStrategyDir ?? ''}`, 'strategy = mitogen_linear');
  }
  tuned.push(
    '',
    '[ssh_connection]',
    'pipelining = True',
    '# Ansible defaults to -C (compression: CPU for nothing on a LAN) and ControlPersist=60s.',
    'ssh_args = -o ControlMaster=auto -o ControlPersist=600s',
    '',
  );
  return tuned.join('\n');
}

export function toolCommand(tool: ToolId, ctx: RunContext, mitogenStrategyDir: string | null): ToolCommand {
  mkdirSync(ctx.home, { recursive: true });
  const env = cleanEnv(ctx.home);
  switch (tool) {
    case 'tsible':
      return {
        argv: [process.execPath, join(ROOT, 'bin', 'tsible-playbook.js'), '-i', ctx.inventory, ctx.playbook],
        env,
      };
    case 'floor':
      return {
        argv: nodeEntry('floor', [
          ctx.floorHosts,
          ctx.floorScript,
          ...Object.entries(ctx.floorEnv ?? {}).map(([k, v]) => `${k}=${v}`),
        ]),
        env,
      };
    default: {
      const cfg = join(ctx.runDir, 'ansible.cfg');
      writeFileSync(cfg, ansibleConfig(tool, ctx.hosts, mitogenStrategyDir));
      env['ANSIBLE_CONFIG'] = cfg;
      return { argv: ['ansible-playbook', '-i', ctx.inventory, ctx.playbook], env };
    }
  }
}

function aptInstall(pkgs: string[]): boolean {
  log(`apt-get install -y ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = execSync(['apt-get', 'install', '-y', '-q', ...pkgs], { env });
  if (r.rc !== 0) {
    execSync(['apt-get', 'update', '-q'], { env });
    r = execSync(['apt-get', 'install', '-y', '-q', ...pkgs], { env });
  }
  if (r.rc !== 0)
    warn(`apt-get install ${pkgs.join(' ')} failed: ${r.stderr.trim().split('\n').pop() ?? ''}`);
  return r.rc === 0;
}

function aptCandidate(pkg: string): string | null {
  const r = execSync(['apt-cache', 'policy', pkg]);
  const m = /Candidate:\s*(\S+)/.exec(r.stdout);
  return m && m[1] !== '(none)' ? (m[1] as string) : null;
}

export interface ControllerInfo {
  ansibleVersion: string;
  mitogenVersion: string | null;
  mitogenStrategyDir: string | null;
  tsibleBuilt: boolean;
}

/** Makes sure GNU time and ansible-core (and ansible-mitogen if Debian has it) are installed. */
export function prepareController(tools: ToolId[]): ControllerInfo {
  if (!existsSync('/usr/bin/time')) aptInstall(['time']);
  const wantsAnsible = tools.some((t) => t.startsWith('ansible') || t === 'mitogen');
  if (wantsAnsible && !firstLine(['sh', '-c', 'command -v ansible-playbook'])) aptInstall(['ansible-core']);
  const versionLine = firstLine(['ansible-playbook', '--version']);
  const ansibleVersion = /\[core ([^\]]+)\]/.exec(versionLine)?.[1] ?? (versionLine || 'absent');
  // ansible-playbook's own interpreter (Debian's), not whatever python3 comes first in PATH.
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const locate = (): string =>
    firstLine([
      python,
      '-c',
      'import ansible_mitogen, os; print(os.path.join(os.path.dirname(ansible_mitogen.__file__), "plugins", "strategy"))',
    ]);
  let mitogenStrategyDir: string | null = locate() || null;
  if (!mitogenStrategyDir && tools.includes('mitogen') && aptCandidate('ansible-mitogen')) {
    aptInstall(['ansible-mitogen']);
    mitogenStrategyDir = locate() || null;
  }
  let mitogenVersion: string | null = null;
  if (mitogenStrategyDir) {
    mitogenVersion =
      firstLine(['dpkg-query', '-W', '-f', '${Version}', 'ansible-mitogen']) ||
      firstLine([python, '-c', 'import mitogen; print(".".join(map(str, mitogen.__version__)))']);
  } else if (tools.includes('mitogen')) {
    warn('Mitogen is not available (no ansible-mitogen package in this machine’s apt sources): row skipped');
  }
  const tsibleBuilt = existsSync(join(ROOT, 'dist', 'src', 'cli', 'playbook.js'));
  if (tools.includes('tsible') && !tsibleBuilt)
    warn('tsible is not built (dist/src/cli/playbook.js): run `npm run build`');
  return { ansibleVersion, mitogenVersion, mitogenStrategyDir, tsibleBuilt };
}
