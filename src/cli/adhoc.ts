// tsible: run one module on the hosts of a pattern (ad-hoc), like `ansible PATTERN -m MODULE -a ARGS`.
import { Command } from 'commander';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { EXIT } from '../core/errors.js';
import { Run, VERSION } from '../engine/run.js';
import { AdhocCallback } from '../output/adhoc-callback.js';
import { formatError } from '../output/error-format.js';
import { addCommonOptions, normalizeArgv, exitCodeFor, resolveRun } from './common.js';

const COMMAND_LIKE = new Set(['command', 'shell', 'raw', 'script']);

export async function main(argv: string[]): Promise<number> {
  let verbosity = 0;
  const program = new Command('tsible');
  program
    .description('Run one module on the hosts matching a pattern (ad-hoc), with no playbook.')
    .version(`tsible ${VERSION}`, '--version')
    .argument('<pattern>', 'host pattern')
    .option('-m, --module-name <module>', 'module to run', 'command')
    .option('-a, --args <args>', 'module arguments (k=v pairs, or the command for command/shell)')
    .option('-o, --one-line', 'condense output to one line per host')
    .option('--list-hosts', 'list the matching hosts and exit');
  addCommonOptions(program, () => verbosity++);
  program.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(normalizeArgv(argv));
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode ?? EXIT.options;
    return code === 0 ? EXIT.ok : EXIT.options;
  }
  const o = program.opts<Record<string, unknown>>();
  const pattern = program.args[0]!;
  const module = String(o.moduleName);
  const args = o.args === undefined ? undefined : String(o.args);
  if (COMMAND_LIKE.has(module.replace(/^ansible\.builtin\./, '')) && !args) {
    process.stderr.write(`ERROR! No argument passed to ${module} module\n`);
    return EXIT.options;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tsible-adhoc-'));
  try {
    const r = await resolveRun(o, verbosity);
    const cb = new AdhocCallback({
      color: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
      oneLine: o.oneLine === true,
    });
    cb.commandLike = COMMAND_LIKE.has(module.replace(/^ansible\.builtin\./, ''));
    const file = join(dir, 'adhoc.yml');
    // An ad-hoc run is a one-task play without fact gathering; writing it as YAML reuses every check.
    writeFileSync(
      file,
      stringify([
        { name: `Ansible Ad-Hoc`, hosts: pattern, gather_facts: false, tasks: [{ [module]: args ?? null }] },
      ]),
    );
    const run = new Run({ playbooks: [file], inventory: r.inventory, cfg: r.cfg, cb });
    await run.load();
    // Relative paths in arguments (copy src=...) are relative to where the command runs.
    for (const pb of run.loadedPlaybooks) {
      for (const play of pb.plays) {
        play.dir = process.cwd();
        for (const t of play.tasks) if (t.kind === 'task') t.dir = process.cwd();
      }
    }
    const play = run.loadedPlaybooks[0]!.plays[0]!;
    const hosts = run.playHosts(play);
    if (o.listHosts) {
      process.stdout.write(`  hosts (${hosts.length}):\n${hosts.map((h) => `    ${h}\n`).join('')}`);
      return EXIT.ok;
    }
    if (hosts.length === 0) {
      r.cb.warning('No hosts matched, nothing to do');
      return EXIT.ok;
    }
    return await run.execute();
  } catch (e) {
    process.stderr.write(formatError(e, verbosity) + '\n');
    return exitCodeFor(e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
