// Runs playbooks: load and validate everything first, then each play's batches, then the recap.
import { readLocalText, decryptText as readDecrypted, noteSecretRead } from '../core/read.js';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { EXIT, TsibleError } from '../core/errors.js';
import type { Vars } from '../core/types.js';
import { loadYaml } from '../core/yaml.js';
import { Inventory } from '../inventory/inventory.js';
import { libraryDirs, loadLibraryModules } from '../../modules/library.js';
import type { Callback } from '../output/events.js';
import { loadPlaybook } from '../playbook/load.js';
import type { Play, Playbook, RoleInfo } from '../playbook/model.js';
import { Templar, OMIT } from '../template/templar.js';
import type { PlayContext, RunConfig } from './context.js';
import { PlayRunner } from './play-runner.js';
import { HostState } from './state.js';
import { isKnownAction, validatePlaybook } from './validate.js';
import { truthy } from './connect.js';
import type { Connection } from '../transport/types.js';

export const VERSION = '0.1.0';

export interface RunRequest {
  playbooks: string[];
  inventory: string[];
  cfg: RunConfig;
  cb: Callback;
}

function factVars(facts: Vars, plain?: Set<string>): Vars {
  const out: Vars = { ansible_facts: facts };
  for (const [k, v] of Object.entries(facts)) out[plain?.has(k) ? k : `ansible_${k}`] = v;
  return out;
}

function loadVarsFile(path: string): Vars {
  const data = loadYaml(readLocalText(path), path);
  if (data === null) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new TsibleError('playbook', `vars file ${path} must contain a mapping`, {
      pos: { file: path, line: 1 },
    });
  }
  return data as Vars;
}

export class Run {
  readonly hosts = new Map<string, HostState>();
  private readonly delegateConns = new Map<string, Promise<Connection>>();
  private interrupted = false;
  private readonly warnings: string[] = [];
  private inventory!: Inventory;
  private templar!: Templar;
  private playbooks: Playbook[] = [];

  constructor(private readonly req: RunRequest) {}

  warn(msg: string): void {
    this.req.cb.warning(msg);
  }

  /** Load inventory and every playbook, and validate them: nothing touches a host before this passes. */
  async load(): Promise<void> {
    const dec = this.req.cfg.vaultDecrypt;
    this.inventory = await Inventory.load(this.req.inventory, {
      vaultDecrypt: (text, file) => readDecrypted(text, file),
    });
    for (const w of this.inventory.warnings) this.warn(w);
    // Read every host's group_vars/host_vars now: a broken or undecryptable file stops the run before
    // any host is contacted, not in the middle of it.
    for (const h of this.inventory.hosts()) this.inventory.varLayers(h.name);
    for (const file of this.req.playbooks) {
      if (!existsSync(file))
        throw new TsibleError('playbook', `the playbook: ${file} could not be found`, {
          exitCode: EXIT.error,
        });
      // Custom modules (library/ beside the playbook and in roles) must be known before parsing.
      await loadLibraryModules(libraryDirs(dirname(resolve(file)), this.req.cfg.rolesPath));
      const pb = loadPlaybook(file, { isAction: isKnownAction, rolesPath: this.req.cfg.rolesPath });
      validatePlaybook(pb);
      this.playbooks.push(pb);
    }
    const first = this.req.playbooks[0] ? dirname(resolve(this.req.playbooks[0])) : process.cwd();
    this.templar = new Templar({
      baseDir: first,
      vaultDecrypt: dec
        ? (v) => {
            noteSecretRead();
            return dec(v);
          }
        : undefined,
    });
  }

  get loadedPlaybooks(): Playbook[] {
    return this.playbooks;
  }

  get inv(): Inventory {
    return this.inventory;
  }

  private state(h: string): HostState {
    let hs = this.hosts.get(h);
    if (!hs) {
      hs = new HostState(h);
      this.hosts.set(h, hs);
    }
    return hs;
  }

  /** Hosts a play targets: its pattern, narrowed by --limit, without hosts that failed earlier. */
  playHosts(play: Play): string[] {
    const pattern = play.hosts.map((p) =>
      p.includes('{{')
        ? String(this.templar.render(p, this.templar.lazyVars({ ...play.vars, ...this.req.cfg.extraVars })))
        : p,
    );
    let hosts = this.inventory.resolve(pattern.join(','));
    if (this.req.cfg.limit) hosts = this.inventory.limit(hosts, this.req.cfg.limit);
    // Hosts that failed earlier stay in the play's host list and batches (as in ansible-core); the strategy
    // leaves them out.
    return hosts;
  }

  /**
   * Ctrl-C: close every connection (running commands lose their channel; a write in progress fails its
   * size check and its temporary file is removed on the host), then print the recap of what happened.
   */
  interrupt(): void {
    this.interrupted = true;
    for (const p of [...[...this.hosts.values()].map((h) => h.conn), ...this.delegateConns.values()]) {
      if (p) p.then((c) => c.close()).catch(() => undefined);
    }
    this.req.cb.recap(new Map([...this.hosts].map(([k, v]) => [k, v.counts])));
    this.req.cb.close();
  }

  /** Hosts that failed or were unreachable (for retry files). */
  failedHosts(): string[] {
    return [...this.hosts.values()]
      .filter((h) => h.counts.failed > 0 || h.counts.unreachable > 0)
      .map((h) => h.name);
  }

  /** Where a variable is set for a host before the run, lowest precedence first (for --explain). */
  varSources(host: string, name: string): { level: number; source: string; value: unknown }[] {
    const out: { level: number; source: string; value: unknown }[] = [];
    const add = (level: number, source: string, vars: Vars | undefined): void => {
      if (vars && Object.prototype.hasOwnProperty.call(vars, name))
        out.push({ level, source, value: vars[name] });
    };
    const play =
      this.playbooks.flatMap((pb) => pb.plays).find((p) => this.playHosts(p).includes(host)) ??
      this.playbooks[0]?.plays[0];
    if (play) add(2, 'role defaults (every role of the play)', play.roleDefaults);
    for (const layer of this.inventory.varLayers(host, play ? [play.dir] : []))
      add(layer.level, layer.source, layer.vars);
    if (play) {
      add(12, `play vars (${play.file}:${play.pos.line ?? 0})`, play.vars);
      for (const f of play.varsFiles) {
        const path = isAbsolute(String(f)) ? String(f) : join(play.dir, String(f));
        if (existsSync(path)) add(14, `vars_files ${path}`, loadVarsFile(path));
      }
      add(15, 'role vars (every role of the play)', play.roleVars);
    }
    add(22, 'extra vars (-e)', this.req.cfg.extraVars);
    return out;
  }

  async execute(): Promise<number> {
    const { cb } = this.req;
    let aborted = false;
    for (const pb of this.playbooks) {
      cb.playbookStart?.(pb.file);
      for (const play of pb.plays) {
        if (aborted) break;
        const hosts = this.playHosts(play);
        cb.playStart(play.name, { path: `${play.file}:${play.pos.line ?? 0}`, hosts, at: Date.now() });
        if (hosts.length === 0) {
          cb.noHostsMatched();
          continue;
        }
        for (const h of hosts) this.state(h).ended = false;
        aborted = await this.runPlay(play, hosts);
      }
    }
    if (this.interrupted) return EXIT.interrupted;
    // The recap lists the hosts something happened to (a host of a play that never got a task is not there).
    const touched = new Map(
      [...this.hosts]
        .filter(([, v]) => Object.values(v.counts).some((n) => n > 0))
        .map(([k, v]) => [k, v.counts]),
    );
    cb.recap(touched);
    cb.close();
    for (const p of [...[...this.hosts.values()].map((h) => h.conn), ...this.delegateConns.values()]) {
      if (p) p.then((c) => c.close()).catch(() => undefined);
    }
    const states = [...this.hosts.values()];
    if (states.some((s) => s.counts.unreachable > 0)) return EXIT.unreachable;
    // A host whose errors a meta: clear_host_errors cleared no longer fails the run (ansible-core 2.14).
    if (states.some((s) => s.failed) || aborted) return EXIT.failedHosts;
    return EXIT.ok;
  }

  private async runPlay(play: Play, hosts: string[]): Promise<boolean> {
    const { cfg, cb } = this.req;
    const inv = this.inventory;
    const invVars = new Map<string, Vars>();
    const varsFiles = new Map<string, Vars>();
    let groups = inv.groupsMap();
    const hostvarsCache = new Map<string, Vars>();
    const rawVars = (host: string, nodeVars?: Vars, role?: RoleInfo): Vars => {
      let iv = invVars.get(host);
      if (!iv) {
        iv = {};
        for (const layer of inv.varLayers(host, [play.dir])) Object.assign(iv, layer.vars);
        invVars.set(host, iv);
      }
      const hs = this.state(host);
      const magic: Vars = {
        inventory_hostname: host,
        inventory_hostname_short: /^[\d.]+$|:/.test(host) ? host : host.split('.')[0],
        group_names: inv.groupNamesOf(host),
        groups,
        hostvars: hostvarsProxy,
        play_hosts: ctx.batch.filter((h) => this.state(h).active),
        ansible_play_hosts: ctx.playHosts.filter((h) => this.state(h).active),
        ansible_play_hosts_all: ctx.playHosts,
        ansible_play_batch: ctx.batch.filter((h) => this.state(h).active),
        ansible_play_name: play.name,
        playbook_dir: play.dir,
        ansible_check_mode: cfg.check,
        ansible_diff_mode: cfg.diff,
        ansible_forks: cfg.forks,
        ansible_verbosity: cfg.verbosity,
        ansible_run_tags: cfg.tags.length ? cfg.tags : ['all'],
        ansible_skip_tags: cfg.skipTags,
        ansible_limit: cfg.limit,
        ansible_version: { full: VERSION, major: 0, minor: 1, revision: 0, string: VERSION },
        omit: OMIT,
      };
      let vf = varsFiles.get(host);
      if (!vf) {
        vf = this.loadVarsFiles(play, {
          ...iv,
          ...factVars(hs.facts, hs.plainFacts),
          ...play.vars,
          ...cfg.extraVars,
          ...magic,
        });
        varsFiles.set(host, vf);
      }
      // Ansible's precedence, lowest first (levels as numbered in the reference, §3).
      return {
        // -c/--connection and the play's `connection:` are below every variable (ansible_connection wins).
        ...(cfg.connection ? { ansible_connection: cfg.connection } : {}),
        ...(play.kw.connection ? { ansible_connection: play.kw.connection } : {}),
        ...play.roleDefaults, // 2: every role's defaults are visible play-wide
        ...role?.defaults,
        ...iv, // 3-10: inventory and group_vars/host_vars
        ...factVars(hs.facts, hs.plainFacts), // 11
        ...play.vars, // 12
        ...vf, // 14
        ...play.roleVars, // 15: role vars leak play-wide (private_role_vars=False)
        ...role?.vars,
        ...nodeVars, // 16-17: block and task vars
        ...hs.includeVars, // 18
        ...hs.setFacts, // 19
        ...role?.params, // 20
        ...cfg.extraVars, // 22
        ...magic,
        ...(role ? { role_name: role.name, role_path: role.path, ansible_role_name: role.name } : {}),
        role_names: play.roleNames,
        ansible_role_names: play.roleNames,
      };
    };
    const hostvarsProxy = new Proxy(
      {},
      {
        get: (_t, key) => {
          if (typeof key !== 'string') return undefined;
          if (!inv.host(key) && !this.hosts.has(key)) return undefined;
          let v = hostvarsCache.get(key);
          if (!v) {
            v = this.templar.lazyVars(rawVars(key));
            hostvarsCache.set(key, v);
          }
          return v;
        },
        has: (_t, key) => typeof key === 'string' && inv.host(key) !== undefined,
        ownKeys: () => inv.hosts().map((h) => h.name),
        getOwnPropertyDescriptor: (_t, key) =>
          typeof key === 'string' && inv.host(key) ? { enumerable: true, configurable: true } : undefined,
      },
    );
    const ctx: PlayContext = {
      cfg,
      templar: this.templar,
      inventory: inv,
      cb,
      play,
      hosts: this.hosts,
      playHosts: hosts,
      batch: hosts,
      handlers: play.handlers,
      rawVars: (h, nv, role) => {
        hostvarsCache.clear();
        return rawVars(h, nv, role);
      },
      warn: (m) => this.warn(m),
      inventoryChanged: () => {
        groups = inv.groupsMap();
        invVars.clear();
        hostvarsCache.clear();
      },
      aborted: false,
      delegateConns: this.delegateConns,
    };
    const gather =
      play.gatherFacts === undefined || play.gatherFacts === null
        ? true
        : truthy(this.templar.render(play.gatherFacts, {}));
    return new PlayRunner(ctx).runPlay(gather);
  }

  private loadVarsFiles(play: Play, ctxVars: Vars): Vars {
    const out: Vars = {};
    const vars = this.templar.lazyVars(ctxVars);
    for (const entry of play.varsFiles) {
      const candidates = (Array.isArray(entry) ? entry : [entry]).map((e) =>
        String(this.templar.render(e, vars)),
      );
      const found = candidates.map((c) => (isAbsolute(c) ? c : join(play.dir, c))).find((p) => existsSync(p));
      if (!found) {
        throw new TsibleError('playbook', `vars file ${candidates.join(' or ')} was not found`, {
          pos: play.pos,
          exitCode: EXIT.error,
        });
      }
      Object.assign(out, loadVarsFile(found));
    }
    return out;
  }
}
