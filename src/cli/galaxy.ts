// tsible-galaxy: install roles from git (with a lock file), verify, list, remove and init them, like ansible-galaxy.
import { Command, CommanderError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, TsibleError } from '../core/errors.js';
import { makeDisplay, type Display } from '../galaxy/display.js';
import { initRole } from '../galaxy/init.js';
import { installRoles } from '../galaxy/install.js';
import { configuredRolesPaths, splitRolesPath } from '../galaxy/installed.js';
import { lockPathFor } from '../galaxy/lock.js';
import { listRoles, removeRoles } from '../galaxy/manage.js';
import {
  galaxyError,
  parseRequirementsFile,
  parseRequirementString,
  type RoleRequirement,
} from '../galaxy/requirements.js';
import { verifyRoles } from '../galaxy/verify.js';
import { formatError } from '../output/error-format.js';

/** Where output goes and which environment to read (tests pass their own). */
export interface GalaxyIo {
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** tsible's version, from the package.json above this file (src/cli/ or dist/src/cli/). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const data = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
        if (data.name === 'tsible' && data.version) return data.version;
      } catch {
        // Not ours or unreadable: keep looking upwards.
      }
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

function optionsError(message: string): TsibleError {
  return new TsibleError('options', message, { exitCode: EXIT.options });
}

interface InstallFlags {
  roleFile?: string;
  rolesPath?: string;
  force?: boolean;
  forceWithDeps?: boolean;
  deps: boolean;
  ignoreErrors?: boolean;
  upgrade?: boolean;
}

async function install(
  args: string[],
  o: InstallFlags,
  out: Display,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const rolesDir = o.rolesPath ? splitRolesPath(o.rolesPath)[0] : configuredRolesPaths(env)[0];
  if (!rolesDir) throw optionsError('- the roles path is empty');
  if (!o.roleFile && !args.length) throw optionsError('- you must specify a user/role name or a roles file');
  let reqs: RoleRequirement[];
  let lockPath: string | undefined;
  let only: string[] | undefined;
  if (o.roleFile) {
    const ext = extname(o.roleFile);
    if (ext !== '.yml' && ext !== '.yaml') {
      throw galaxyError('Invalid role requirements file, it must end with a .yml or .yaml extension');
    }
    const file = parseRequirementsFile(o.roleFile);
    for (const w of file.warnings) out.warning(w);
    if (file.collections) {
      out.warning(
        `collections are not supported yet, skipping ${file.collections} collection(s) listed in ${o.roleFile}`,
      );
    }
    reqs = file.roles;
    lockPath = lockPathFor(o.roleFile);
    only = args.length ? args : undefined;
  } else {
    reqs = args.map((a) => parseRequirementString(a, process.cwd()));
  }
  if (!reqs.length) {
    out.display('Skipping install, no requirements found');
    return EXIT.ok;
  }
  out.display('Starting galaxy role install process');
  await installRoles(
    reqs,
    {
      rolesDir,
      force: o.force || o.forceWithDeps,
      forceWithDeps: o.forceWithDeps,
      noDeps: !o.deps,
      ignoreErrors: o.ignoreErrors,
      upgrade: o.upgrade,
      lockPath,
      only,
    },
    out,
  );
  return EXIT.ok;
}

function buildProgram(
  out: Display,
  env: NodeJS.ProcessEnv,
  write: { out: (s: string) => void; err: (s: string) => void },
  setAction: (a: () => Promise<number>) => void,
): Command {
  const program = new Command('tsible-galaxy');
  program
    .description(
      'Install Ansible roles from git repositories (pinned in a lock file), and verify, list, remove and create them.\n' +
        'Compatible with ansible-galaxy role install -r requirements.yml; `role` before a command is accepted.',
    )
    .version(`tsible-galaxy ${packageVersion()}`, '--version')
    .exitOverride()
    .configureOutput({ writeOut: write.out, writeErr: write.err });

  const rolesPathHelp = 'roles directory (default: the first roles_path entry, ~/.ansible/roles)';

  program
    .command('install')
    .description('install roles from a requirements file or from git sources (src[,version[,name]])')
    .argument('[role...]', 'git sources; with -r, names of roles of the file to install (default: all)')
    .option('-r, --role-file <file>', 'requirements file (.yml/.yaml); its lock is <file>.lock beside it')
    .option('-p, --roles-path <path>', rolesPathHelp)
    .option('-f, --force', 'reinstall roles that are already installed')
    .option('--force-with-deps', 'reinstall roles and their dependencies')
    .option('-n, --no-deps', "don't install the roles' meta/main.yml dependencies")
    .option('-i, --ignore-errors', 'carry on after a role fails to install')
    .option('--upgrade', 'resolve branches and tags again instead of using the commits in the lock file')
    .action((args: string[], o: InstallFlags) => setAction(() => install(args, o, out, env)));

  program
    .command('verify')
    .description('check the installed roles against the lock file (missing, other commit, changed files)')
    .option('-r, --role-file <file>', 'requirements file whose lock to check', 'requirements.yml')
    .option('-p, --roles-path <path>', rolesPathHelp)
    .action((o: { roleFile: string; rolesPath?: string }) =>
      setAction(async () => {
        const rolesDir = o.rolesPath ? splitRolesPath(o.rolesPath)[0] : configuredRolesPaths(env)[0];
        if (!rolesDir) throw optionsError('- the roles path is empty');
        return verifyRoles(o.roleFile, rolesDir, out) ? EXIT.error : EXIT.ok;
      }),
    );

  program
    .command('list')
    .description('list the installed roles and their versions')
    .argument('[role]', 'show only this role')
    .option('-p, --roles-path <path>', 'roles directories, colon-separated (default: roles_path)')
    .action((name: string | undefined, o: { rolesPath?: string }) =>
      setAction(async () => {
        listRoles(o.rolesPath ? splitRolesPath(o.rolesPath) : configuredRolesPaths(env), name, out);
        return EXIT.ok;
      }),
    );

  program
    .command('remove')
    .alias('delete')
    .description('remove installed roles')
    .argument('<role...>', 'role names')
    .option('-p, --roles-path <path>', rolesPathHelp)
    .action((names: string[], o: { rolesPath?: string }) =>
      setAction(async () => {
        const rolesDir = o.rolesPath ? splitRolesPath(o.rolesPath)[0] : configuredRolesPaths(env)[0];
        if (!rolesDir) throw optionsError('- the roles path is empty');
        removeRoles(names, rolesDir, out);
        return EXIT.ok;
      }),
    );

  program
    .command('init')
    .description('create the skeleton of a new role')
    .argument('<name>', 'role name (the directory to create)')
    .option('--init-path <dir>', 'where to create the role', '.')
    .option('-f, --force', 'overwrite the skeleton files of an existing directory')
    .action((name: string, o: { initPath: string; force?: boolean }) =>
      setAction(async () => {
        initRole(name, resolve(o.initPath), o.force === true);
        out.display(`- Role ${name} was created successfully`);
        return EXIT.ok;
      }),
    );
  return program;
}

/** Run tsible-galaxy with process.argv-style arguments ([node, script, ...args]); resolves to the exit code. */
export async function main(argv: string[], io: GalaxyIo = {}): Promise<number> {
  const writeOut = io.stdout ?? ((s: string) => void process.stdout.write(s));
  const writeErr = io.stderr ?? ((s: string) => void process.stderr.write(s));
  const env = io.env ?? process.env;
  const out = makeDisplay(writeOut, writeErr);
  const args = argv.slice(2);
  // `tsible-galaxy role install …` as with ansible-galaxy; collections are not handled (yet).
  if (args[0] === 'role') args.shift();
  else if (args[0] === 'collection') {
    out.error('ERROR! collections are not supported yet: tsible-galaxy manages roles only');
    return EXIT.options;
  }
  let action: (() => Promise<number>) | undefined;
  const program = buildProgram(out, env, { out: writeOut, err: writeErr }, (a) => {
    action = a;
  });
  try {
    program.parse([argv[0] ?? 'node', argv[1] ?? 'tsible-galaxy', ...args]);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.options;
    throw e;
  }
  if (!action) return EXIT.ok;
  try {
    return await action();
  } catch (e) {
    out.error(formatError(e));
    return e instanceof TsibleError ? e.exitCode : EXIT.internal;
  }
}
