// The settings of one run and the per-play state the executor reads.
import type { Vars } from '../core/types.js';
import type { VaultText } from '../core/yaml.js';
import type { Inventory } from '../inventory/inventory.js';
import type { Callback } from '../output/events.js';
import type { Play, RoleInfo, Task } from '../playbook/model.js';
import type { Templar } from '../template/templar.js';
import type { ConnectDefaults } from './connect.js';
import type { HostState } from './state.js';
import type { Connection } from '../transport/types.js';

export interface RunConfig {
  check: boolean;
  diff: boolean;
  forks: number;
  verbosity: number;
  extraVars: Vars;
  limit?: string;
  tags: string[];
  skipTags: string[];
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  becomePassword?: string;
  forceHandlers: boolean;
  startAtTask?: string;
  /** roles_path entries for role lookups. */
  rolesPath: string[];
  /** --step: confirm each task on the terminal. */
  step?: boolean;
  /** -c/--connection: the default connection type. */
  connection?: string;
  /** Decrypts inline !vault values; undefined when no vault secret was given. */
  vaultDecrypt?: (v: VaultText, source?: string) => string;
  connect: ConnectDefaults;
}

export interface PlayContext {
  cfg: RunConfig;
  templar: Templar;
  inventory: Inventory;
  cb: Callback;
  play: Play;
  /** Every host state of the run, by name. */
  hosts: Map<string, HostState>;
  /** Hosts of this play (after --limit), in order. */
  playHosts: string[];
  batch: string[];
  handlers: Task[];
  /** Vars of a host for a node, untemplated, in precedence order. */
  rawVars(host: string, nodeVars?: Vars, role?: RoleInfo): Vars;
  warn(msg: string): void;
  /** add_host / group_by changed the inventory: recompute `groups` and inventory variables. */
  inventoryChanged?(): void;
  /** Set once the whole run must stop (any_errors_fatal, all hosts failed). */
  aborted: boolean;
  /** Connections to delegate_to targets, shared by the run. */
  delegateConns: Map<string, Promise<Connection>>;
}
