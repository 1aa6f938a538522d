// apt: install, upgrade and remove Debian packages with apt-get (and refresh the package lists).
import {
  defineModule,
  type Fact,
  type ModuleResult,
  type Plan,
  type RunStep,
  type StepOutput,
} from '../src/core/module.js';
import { raw, sh } from '../src/core/sh.js';
import { aptCacheAge, cacheFresh } from '../src/facts/apt-cache-age.js';
import { debInfo, type DebInfo } from '../src/facts/deb-info.js';
import { dpkgStatus } from '../src/facts/dpkg-status.js';
import {
  aptChanged,
  aptGet,
  missingPackage,
  parsePackageSpec,
  parseUpdate,
  updateScript,
  versionMatches,
  type AptOptions,
  type PackageSpec,
} from './_shared/apt-get.js';
import { unused } from './_shared/facts.js';

const params = {
  name: {
    type: 'list',
    elements: 'str',
    aliases: ['pkg', 'package'],
    description: 'Packages to manage; `name=1.2-3` pins a version (wildcards allowed for matching).',
  },
  state: {
    type: 'str',
    default: 'present',
    choices: ['absent', 'build-dep', 'latest', 'present', 'fixed'],
    description: 'Whether the packages should be installed, the newest available, or removed.',
  },
  update_cache: { type: 'bool', aliases: ['update-cache'], description: 'Run apt-get update first.' },
  update_cache_retries: { type: 'int', default: 5, description: 'Accepted for compatibility.' },
  update_cache_retry_max_delay: { type: 'int', default: 12, description: 'Accepted for compatibility.' },
  cache_valid_time: {
    type: 'int',
    default: 0,
    description: 'Skip the update when the lists are younger than this many seconds.',
  },
  purge: { type: 'bool', default: false, description: 'With state=absent, remove configuration files too.' },
  default_release: {
    type: 'str',
    aliases: ['default-release'],
    description: 'apt-get -t: the release to prefer.',
  },
  install_recommends: {
    type: 'bool',
    aliases: ['install-recommends'],
    description: 'Install recommended packages (default: the host apt configuration).',
  },
  force: {
    type: 'bool',
    default: false,
    description: 'Allow unauthenticated packages, downgrades, held packages and removing essential ones.',
  },
  upgrade: {
    type: 'str',
    choices: ['dist', 'full', 'no', 'safe', 'yes'],
    description: 'Upgrade the system: yes/safe (apt-get upgrade --with-new-pkgs), full/dist (dist-upgrade).',
  },
  dpkg_options: {
    type: 'str',
    default: 'force-confdef,force-confold',
    description: 'Comma-separated dpkg options, each passed as -o Dpkg::Options::=--OPTION.',
  },
  autoremove: { type: 'bool', default: false, description: 'Remove packages no longer needed.' },
  autoclean: {
    type: 'bool',
    default: false,
    description: 'Remove downloaded packages that can no longer be got.',
  },
  clean: { type: 'bool', default: false, description: 'Remove all downloaded package files.' },
  deb: { type: 'path', description: 'A .deb file on the target to install (with its dependencies).' },
  allow_unauthenticated: {
    type: 'bool',
    default: false,
    aliases: ['allow-unauthenticated'],
    description: 'Install packages that cannot be authenticated.',
  },
  allow_downgrade: {
    type: 'bool',
    default: false,
    aliases: ['allow-downgrade', 'allow_downgrades', 'allow-downgrades'],
    description: 'Allow installing an older version than the installed one.',
  },
  allow_change_held_packages: { type: 'bool', default: false, description: 'Allow changing held packages.' },
  only_upgrade: { type: 'bool', default: false, description: 'Only upgrade packages that are installed.' },
  fail_on_autoremove: { type: 'bool', default: false, description: 'Accepted for compatibility.' },
  lock_timeout: { type: 'int', default: 60, description: 'Seconds to wait for the dpkg lock.' },
  policy_rc_d: { type: 'int', description: 'Accepted for compatibility (not applied).' },
} as const;

type AptFacts = {
  dpkg: ReturnType<typeof dpkgStatus>;
  cache: ReturnType<typeof aptCacheAge>;
  /** `apt-get -s` of the operation when the outcome cannot be read from dpkg alone. */
  sim: Fact<StepOutput | undefined>;
  deb: Fact<DebInfo | undefined>;
};

export const apt = defineModule({
  name: 'apt',
  doc: {
    short: 'Manage apt packages',
    description:
      'Installs, upgrades or removes packages with apt-get. Changed only when a package changes; with only ' +
      'update_cache, changed when a package list actually changed. When the named packages are already in ' +
      'the wanted state, the cache update is skipped unless cache_valid_time says the lists are stale ' +
      '(Ansible would update and still report ok; tsible saves the round trip to the mirrors).',
    examples: [
      '- apt: name=nginx state=present update_cache=yes',
      '- apt:',
      '    name: [git, curl]',
      '    state: latest',
      '    cache_valid_time: 3600',
      '- apt: name=telnet state=absent purge=yes',
      '- apt: upgrade=dist update_cache=yes',
      '- apt: deb=/tmp/tool_1.0_amd64.deb',
    ].join('\n'),
    returns: {
      cache_updated: 'Whether the package lists changed.',
      cache_update_time: 'Epoch seconds of the last list update.',
      stdout: 'apt-get output.',
      stderr: 'apt-get error output.',
    },
  },
  params,
  requiredOneOf: [['name', 'deb', 'update_cache', 'upgrade', 'autoremove', 'autoclean', 'clean']],
  mutuallyExclusive: [['deb', 'name', 'upgrade']],
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    const o = options(p);
    const specs = (p.name ?? []).map(parsePackageSpec);
    const op = simulation(p, specs, o);
    return {
      dpkg: dpkgStatus(specs.map((s) => s.name)),
      cache: aptCacheAge(),
      // 2>&1: "Unable to locate package" is on stderr and the plan reports it.
      sim: op === undefined ? unused<StepOutput>() : { cmd: `${op} 2>&1`, parse: (out) => out },
      deb: p.deb === undefined ? unused<DebInfo>() : debInfo(p.deb),
    } satisfies AptFacts;
  },
  plan(p, f, ctx) {
    if (f.dpkg.missing) return failed('apt-get/dpkg not found: the apt module needs a Debian-based host');
    const o = options(p);
    const specs = (p.name ?? []).map(parsePackageSpec);
    const fresh = cacheFresh(f.cache, p.cache_valid_time);
    const base: ModuleResult = { cache_updated: false, cache_update_time: f.cache.mtime ?? 0 };
    const upgrade = p.upgrade !== undefined && p.upgrade !== 'no';

    let main: string | undefined;
    let predicted = false;
    let install: string[] = [];
    // latest/upgrade/build-dep need fresh lists to mean anything, so they update whenever stale.
    let updateAlways = false;
    if (f.sim?.stdout !== undefined) {
      const gone = missingPackage(f.sim.stdout);
      if (gone !== undefined) return failed(`No package matching '${gone}' is available`);
    }
    if (p.deb !== undefined) {
      const d = f.deb;
      if (!d?.readable) return failed(`Unable to install package: ${p.deb} is not a readable .deb file`);
      if (p.force || d.installedVersion !== d.version) {
        // apt-get takes a file only when it looks like a path, hence ./ for a relative name.
        const path = p.deb.includes('/') ? p.deb : `./${p.deb}`;
        main = sh`${aptGet(o)} install -- ${path}`;
        predicted = true;
        install = [d.name];
      }
    } else if (upgrade) {
      main = upgradeCommand(p.upgrade ?? 'no', o);
      updateAlways = true;
      predicted = f.sim !== undefined && aptChanged(f.sim.stdout);
    } else if (specs.length > 0) {
      const state = p.state;
      if (state === 'present' || state === 'latest') {
        const todo =
          state === 'present'
            ? specs.filter((s) => !satisfied(s, f.dpkg.packages[s.name]))
            : specs.filter((s) => !f.dpkg.packages[s.name]?.installed || p.only_upgrade);
        if (state === 'latest') {
          updateAlways = true;
          const sim = f.sim?.stdout ?? '';
          predicted = aptChanged(sim) || todo.some((s) => !f.dpkg.packages[s.name]?.installed);
          if (predicted || (p.update_cache && !fresh)) {
            main = sh`${aptGet(o)} install${p.only_upgrade ? ' --only-upgrade' : ''} -- ${specs.map((s) => s.spec)}`;
          }
        } else if (todo.length > 0) {
          main = sh`${aptGet(o)} install -- ${todo.map((s) => s.spec)}`;
          predicted = true;
        }
        install = (state === 'present' ? todo : specs).map((s) => s.name);
      } else if (state === 'absent') {
        const gone = specs.filter((s) => {
          const st = f.dpkg.packages[s.name];
          return st?.installed || (p.purge && st?.configFiles);
        });
        if (gone.length > 0) {
          const flags = `${p.purge ? ' --purge' : ''}${p.autoremove ? ' --auto-remove' : ''}`;
          main = sh`${aptGet(o)} remove${raw(flags)} -- ${gone.map((s) => s.name)}`;
          predicted = true;
        }
      } else {
        // build-dep and fixed: apt-get decides; the simulation predicts.
        main =
          state === 'build-dep'
            ? sh`${aptGet(o)} build-dep -- ${specs.map((s) => s.name)}`
            : sh`${aptGet(o)} -f install -- ${specs.map((s) => s.spec)}`;
        predicted = f.sim !== undefined && aptChanged(f.sim.stdout);
        if (!predicted) main = undefined;
      }
    } else if (p.autoremove || p.autoclean || p.clean) {
      const ops = [p.autoremove ? 'autoremove' : '', p.autoclean ? 'autoclean' : '', p.clean ? 'clean' : ''];
      main = ops
        .filter(Boolean)
        .map((op) => sh`${aptGet(o)} ${op}`)
        .join(' && ');
      // Cleaning the download cache is housekeeping: it runs, but only removed packages count as a change.
      predicted = p.autoremove && f.sim !== undefined && aptChanged(f.sim.stdout);
      if (!predicted && !p.clean && !p.autoclean) main = undefined;
    }

    const onlyCache = p.deb === undefined && !upgrade && specs.length === 0 && main === undefined;
    const stale = p.update_cache === true && !fresh;
    const doUpdate = stale && (main !== undefined || onlyCache || updateAlways || p.cache_valid_time > 0);
    const steps: RunStep[] = [];
    if (doUpdate) steps.push({ kind: 'run', cmd: updateScript(o), label: 'apt-get update' });
    if (main !== undefined) steps.push({ kind: 'run', cmd: main, okRc: 'any' });
    if (steps.length === 0) return { changed: false, steps, result: base };

    const plan: Plan = {
      // In check mode an update-only task reports the update it would run, as Ansible does.
      changed: predicted || (onlyCache && doUpdate),
      steps,
      result: { ...base, ...(doUpdate && ctx.check ? { cache_updated: true } : {}) },
      finish: (outs) => finish(outs, doUpdate, main, onlyCache, base),
    };
    if (install.length > 0 && p.state !== 'absent') plan.effects = { packages: install };
    return plan;
  },
});

function failed(msg: string): Plan {
  return { changed: false, steps: [], failed: true, result: { msg } };
}

type AptParams = {
  dpkg_options: string;
  install_recommends?: boolean;
  default_release?: string;
  force: boolean;
  allow_unauthenticated: boolean;
  allow_downgrade: boolean;
  allow_change_held_packages: boolean;
  lock_timeout: number;
};

function options(p: AptParams): AptOptions {
  return {
    dpkgOptions: p.dpkg_options,
    installRecommends: p.install_recommends,
    defaultRelease: p.default_release,
    force: p.force,
    allowUnauthenticated: p.allow_unauthenticated,
    allowDowngrade: p.allow_downgrade,
    allowChangeHeld: p.allow_change_held_packages,
    lockTimeout: p.lock_timeout,
  };
}

function upgradeCommand(mode: string, o: AptOptions, simulate = false): string {
  // safe/yes keep installed packages but may add new dependencies (what aptitude safe-upgrade does).
  return mode === 'full' || mode === 'dist'
    ? sh`${aptGet(o, simulate)} dist-upgrade`
    : sh`${aptGet(o, simulate)} upgrade --with-new-pkgs`;
}

/** The apt-get -s run whose answer the plan needs, if dpkg's status alone cannot tell. */
function simulation(
  p: { state: string; upgrade?: string; autoremove: boolean; deb?: string; only_upgrade: boolean },
  specs: PackageSpec[],
  o: AptOptions,
): string | undefined {
  if (p.deb !== undefined) return undefined;
  if (p.upgrade !== undefined && p.upgrade !== 'no') return upgradeCommand(p.upgrade, o, true);
  const names = specs.map((s) => s.spec);
  if (names.length > 0) {
    if (p.state === 'latest') {
      return sh`${aptGet(o, true)} install${p.only_upgrade ? ' --only-upgrade' : ''} -- ${names}`;
    }
    if (p.state === 'build-dep') return sh`${aptGet(o, true)} build-dep -- ${specs.map((s) => s.name)}`;
    if (p.state === 'fixed') return sh`${aptGet(o, true)} -f install -- ${names}`;
    return undefined;
  }
  return p.autoremove ? sh`${aptGet(o, true)} autoremove` : undefined;
}

function satisfied(s: PackageSpec, st: { installed: boolean; version: string } | undefined): boolean {
  if (!st?.installed) return false;
  return s.version === undefined || versionMatches(st.version, s.version);
}

function finish(
  outs: StepOutput[],
  updated: boolean,
  main: string | undefined,
  onlyCache: boolean,
  base: ModuleResult,
): ModuleResult {
  const result: ModuleResult = { ...base };
  let i = 0;
  if (updated) {
    const u = parseUpdate(outs[i++]?.stdout ?? '');
    result.cache_updated = u.updated;
    if (u.time !== undefined) result.cache_update_time = u.time;
  }
  if (main === undefined) {
    result.changed = onlyCache && result.cache_updated === true;
    return result;
  }
  const out = outs[i];
  if (!out) return { ...result, changed: false };
  result.stdout = out.stdout;
  result.stderr = out.stderr;
  result.stdout_lines = out.stdout.split('\n').filter((l) => l !== '');
  if (out.rc !== 0) {
    const gone = missingPackage(`${out.stderr}\n${out.stdout}`);
    result.failed = true;
    result.rc = out.rc;
    result.msg =
      gone !== undefined ? `No package matching '${gone}' is available` : `'${main}' failed: ${out.stderr}`;
    result.changed = aptChanged(out.stdout);
    return result;
  }
  result.changed = aptChanged(out.stdout);
  return result;
}
