// tsible-playbook: parse flags and config, load and validate everything, then run (or list, or explain).
import { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { boolSetting, setting } from '../config/config.js';
import { EXIT } from '../core/errors.js';
import { Run, VERSION } from '../engine/run.js';
import { formatError } from '../output/error-format.js';
import { addCommonOptions, normalizeArgv, collect, exitCodeFor, resolveRun } from './common.js';
import { explainVariable, listTags, listTasks } from './listing.js';

export async function main(argv: string[]): Promise<number> {
  let verbosity = 0;
  const program = new Command('tsible-playbook');
  program
    .description('Runs Ansible playbooks over SSH, with no Python on the targets.')
    .version(`tsible-playbook ${VERSION}`, '--version')
    .argument('<playbook...>', 'playbook file(s)')
    .option('-t, --tags <tags>', 'only run plays and tasks tagged with these', collect, [])
    .option('--skip-tags <tags>', 'skip plays and tasks tagged with these', collect, [])
    .option('--force-handlers', 'run handlers even if a task fails')
    .option('--flush-cache', 'clear the fact cache for every host in inventory')
    .option('--start-at-task <name>', 'start the playbook at the task matching this name')
    .option('--step', 'one-step-at-a-time: confirm each task before running')
    .option('--syntax-check', 'check the playbooks and exit')
    .option('--list-hosts', 'list the hosts each play would run on')
    .option('--list-tasks', 'list all tasks that would be executed')
    .option('--list-tags', 'list all available tags')
    .option('--explain <var>', 'show where a variable gets its value for a host (use with --limit HOST)');
  addCommonOptions(program, () => verbosity++);
  program.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(normalizeArgv(argv));
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode ?? EXIT.options;
    return code === 0 ? EXIT.ok : EXIT.options;
  }
  const o = program.opts<Record<string, unknown>>();
  const listing = Boolean(o.listHosts || o.listTasks || o.listTags || o.syntaxCheck || o.explain);
  if ([o.listHosts, o.listTasks, o.listTags, o.syntaxCheck, o.explain].filter(Boolean).length > 1) {
    process.stderr.write(
      'ERROR! --list-hosts, --list-tasks, --list-tags, --syntax-check and --explain are mutually exclusive\n',
    );
    return EXIT.options;
  }
  if (o.step && !process.stdin.isTTY) {
    process.stderr.write('ERROR! --step needs a terminal to ask on\n');
    return EXIT.options;
  }
  try {
    const r = await resolveRun(o, verbosity);
    for (const w of r.warnings) r.cb.warning(w);
    if (verbosity >= 1)
      process.stdout.write(
        r.file.path ? `Using ${r.file.path} as config file\n` : 'No config file found; using defaults\n',
      );
    const run = new Run({
      playbooks: program.args,
      inventory: r.inventory,
      cfg: { ...r.cfg, step: o.step === true },
      cb: r.cb,
    });
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
      process.stdout.write('\n');
      return EXIT.ok;
    }
    if (o.listTasks) {
      process.stdout.write(listTasks(run, r.cfg));
      return EXIT.ok;
    }
    if (o.listTags) {
      process.stdout.write(listTags(run));
      return EXIT.ok;
    }
    if (o.explain) {
      process.stdout.write(explainVariable(run, String(o.explain), r.cfg.limit));
      return EXIT.ok;
    }
    void listing;
    await warnLockDrift(program.args[0]!, r.cfg.rolesPath, (m) => r.cb.warning(m));
    let interrupted = false;
    const onInt = (): void => {
      interrupted = true;
      process.stderr.write('\n[ERROR]: User interrupted execution\n');
      run.interrupt();
      // Give the connections a moment to close their channels, so the hosts clean up, then stop.
      setTimeout(() => process.exit(EXIT.interrupted), 2000).unref();
    };
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onInt);
    const code = await run.execute();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onInt);
    if (interrupted) {
      // Let the closing connections reach the hosts before the process ends.
      await new Promise((r) => setTimeout(r, 300));
      return EXIT.interrupted;
    }
    const retry = setting(r.file, 'defaults', 'retry_files_enabled');
    if (boolSetting(retry, false) && code !== EXIT.ok) {
      const failed = run.failedHosts();
      if (failed.length > 0) {
        const dir = setting(r.file, 'defaults', 'retry_files_save_path');
        const base = program.args[0]!.replace(/\.ya?ml$/, '') + '.retry';
        writeFileSync(dir ? join(dir, base.split('/').pop()!) : base, failed.join('\n') + '\n');
      }
    }
    return code;
  } catch (e) {
    process.stderr.write(formatError(e, verbosity) + '\n');
    return exitCodeFor(e);
  }
}

/** Warn when roles installed by tsible-galaxy no longer match requirements.lock. */
async function warnLockDrift(
  playbook: string,
  rolesPath: string[],
  warn: (m: string) => void,
): Promise<void> {
  const dir = dirname(resolve(playbook));
  for (const lock of [join(dir, 'requirements.lock'), join(dir, 'roles', 'requirements.lock')]) {
    if (!existsSync(lock)) continue;
    const rolesDir = [join(dir, 'roles'), ...rolesPath].find((d) => existsSync(d));
    if (!rolesDir) continue;
    // Loaded only when there is a lock file: most runs never need the galaxy code.
    const { checkInstalledAgainstLock } = await import('../galaxy/verify.js');
    for (const p of checkInstalledAgainstLock(rolesDir, lock)) {
      warn(
        `role ${p.name} does not match ${lock}: ${p.problem} (run tsible-galaxy install -r to restore it)`,
      );
    }
  }
}
