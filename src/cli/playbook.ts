// tsible-playbook: parse flags and config, load and validate everything, run, exit with Ansible's codes.
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { boolSetting, loadConfig, setting } from '../config/config.js';
import { EXIT, TsibleError } from '../core/errors.js';
import type { Vars } from '../core/types.js';
import { loadYaml } from '../core/yaml.js';
import type { RunConfig } from '../engine/context.js';
import { Run, VERSION } from '../engine/run.js';
import { DefaultCallback } from '../output/default-callback.js';
import { formatError } from '../output/error-format.js';

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** -e: key=value pairs (strings), JSON/YAML text, or @file. */
export function parseExtraVars(list: string[]): Vars {
  const out: Vars = {};
  for (const e of list) {
    const text = e.trim();
    if (text.startsWith('@')) {
      const file = text.slice(1);
      const data = loadYaml(readFileSync(file, 'utf8'), file);
      if (data && typeof data === 'object') Object.assign(out, data);
      continue;
    }
    if (text.startsWith('{') || text.startsWith('[')) {
      const data = loadYaml(text, '<extra vars>');
      if (data && typeof data === 'object' && !Array.isArray(data)) Object.assign(out, data);
      continue;
    }
    // k=v pairs, split like a shell, values stay strings.
    const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      let v = m[2]!;
      if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))
        v = v.slice(1, -1);
      out[m[1]!] = v;
    }
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('tsible-playbook');
  let verbosity = 0;
  program
    .description('Runs Ansible playbooks over SSH, with no Python on the targets.')
    .version(`tsible-playbook ${VERSION}`, '--version')
    .argument('<playbook...>', 'playbook file(s)')
    .option(
      '-i, --inventory <source>',
      'inventory file, directory, script or host list (repeatable)',
      collect,
      [],
    )
    .option('-l, --limit <pattern>', 'further limit selected hosts to a pattern')
    .option(
      '-e, --extra-vars <vars>',
      'extra variables: key=value, JSON/YAML, or @file (repeatable)',
      collect,
      [],
    )
    .option('-C, --check', "don't make any changes; predict what would change")
    .option('-D, --diff', 'show the differences in changed files')
    .option('-f, --forks <n>', 'how many hosts to work on at once')
    .option('-v, --verbose', 'more output (-vvv for connection details)', () => {
      verbosity++;
    })
    .option('-u, --user <user>', 'connect as this user')
    .option('--private-key, --key-file <file>', 'private key file for SSH')
    .option('-T, --timeout <seconds>', 'connection timeout')
    .option('-b, --become', 'run operations with become')
    .option('--become-user <user>', 'become this user')
    .option('--become-method <method>', 'privilege escalation method (sudo, su)')
    .option('-t, --tags <tags>', 'only run plays and tasks tagged with these', collect, [])
    .option('--skip-tags <tags>', 'skip plays and tasks tagged with these', collect, [])
    .option('--force-handlers', 'run handlers even if a task fails')
    .option('--start-at-task <name>', 'start the playbook at the task matching this name')
    .option('--syntax-check', 'check the playbooks and exit')
    .option('--list-hosts', 'list the hosts each play would run on')
    .addOption(new Option('--color', 'force colour').hideHelp())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(argv);
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode ?? EXIT.options;
    return code === 0 ? 0 : EXIT.options;
  }
  const o = program.opts<Record<string, unknown>>();
  const file = loadConfig();
  const get = (section: string, key: string): string | undefined => setting(file, section, key);
  const split = (l: unknown): string[] =>
    (l as string[])
      .flatMap((t) => t.split(','))
      .map((t) => t.trim())
      .filter(Boolean);
  const noColor = process.env.NO_COLOR !== undefined || boolSetting(get('defaults', 'nocolor'), false);
  const color =
    o.color === true ||
    boolSetting(process.env.ANSIBLE_FORCE_COLOR ?? process.env.TSIBLE_FORCE_COLOR, false) ||
    (!noColor && process.stdout.isTTY === true);
  const cb = new DefaultCallback({
    color,
    verbosity,
    diff: o.diff === true || boolSetting(get('diff', 'always'), false),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  });
  const forks = Number(o.forks ?? get('defaults', 'forks') ?? 50);
  if (!Number.isInteger(forks) || forks < 1) {
    process.stderr.write(
      `ERROR! The value of --forks must be a positive whole number, got ${String(o.forks)}\n`,
    );
    return EXIT.options;
  }
  const inventory = (o.inventory as string[]).length
    ? (o.inventory as string[])
    : (get('defaults', 'inventory') ?? '/etc/ansible/hosts').split(',');
  const cfg: RunConfig = {
    check: o.check === true,
    diff: o.diff === true || boolSetting(get('diff', 'always'), false),
    forks,
    verbosity,
    extraVars: {},
    limit: o.limit as string | undefined,
    tags: split(o.tags),
    skipTags: split(o.skipTags),
    become: o.become === true ? true : boolSetting(get('privilege_escalation', 'become'), false) || undefined,
    becomeUser: (o.becomeUser as string | undefined) ?? get('privilege_escalation', 'become_user'),
    becomeMethod: (o.becomeMethod as string | undefined) ?? get('privilege_escalation', 'become_method'),
    forceHandlers: o.forceHandlers === true || boolSetting(get('defaults', 'force_handlers'), false),
    startAtTask: o.startAtTask as string | undefined,
    rolesPath: (
      get('defaults', 'roles_path') ?? '~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles'
    )
      .split(':')
      .filter(Boolean)
      .map((p) => p.replace(/^~/, homedir())),
    connect: {
      remoteUser: (o.user as string | undefined) ?? get('defaults', 'remote_user'),
      privateKey: (o.privateKey as string | undefined) ?? get('defaults', 'private_key_file'),
      hostKeyChecking: boolSetting(get('defaults', 'host_key_checking'), true),
      timeoutSec: Number(o.timeout ?? get('defaults', 'timeout') ?? 10),
    },
  };
  try {
    cfg.extraVars = parseExtraVars(o.extraVars as string[]);
    const run = new Run({ playbooks: program.args, inventory, cfg, cb });
    await run.load();
    if (o.syntaxCheck) {
      for (const p of program.args) process.stdout.write(`\nplaybook: ${p}\n`);
      return EXIT.ok;
    }
    if (o.listHosts) {
      for (const pb of run.loadedPlaybooks) {
        process.stdout.write(`\nplaybook: ${pb.file}\n`);
        pb.plays.forEach((play, i) => {
          const hosts = run.playHosts(play);
          process.stdout.write(
            `\n  play #${i + 1} (${play.hosts.join(',')}): ${play.name}\tTAGS: [${play.tags.join(', ')}]\n`,
          );
          process.stdout.write(`    pattern: [${play.hosts.map((h) => `'${h}'`).join(', ')}]\n`);
          process.stdout.write(`    hosts (${hosts.length}):\n`);
          for (const h of hosts) process.stdout.write(`      ${h}\n`);
        });
      }
      return EXIT.ok;
    }
    return await run.execute();
  } catch (e) {
    process.stderr.write(formatError(e, verbosity) + '\n');
    if (e instanceof TsibleError) return e.exitCode;
    return EXIT.internal;
  }
}
