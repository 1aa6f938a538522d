// The module contract: a parameter spec (like Ansible's argument_spec), facts to read, and a pure planner.

/** Parameter types, as Ansible's argument spec names them. */
export type ParamType = 'str' | 'int' | 'float' | 'bool' | 'list' | 'dict' | 'path' | 'raw';

export interface ParamSpec {
  readonly type: ParamType;
  readonly required?: boolean;
  readonly default?: unknown;
  readonly choices?: readonly (string | number | boolean)[];
  readonly aliases?: readonly string[];
  /** Element type of a list. */
  readonly elements?: ParamType;
  /** Secret: masked in output, logs and diffs. */
  readonly noLog?: boolean;
  readonly description: string;
}

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

type BaseValue<T> = T extends 'str' | 'path'
  ? string
  : T extends 'int' | 'float'
    ? number
    : T extends 'bool'
      ? boolean
      : T extends 'dict'
        ? Record<string, unknown>
        : T extends 'list'
          ? unknown[]
          : unknown;

type SpecValue<P extends ParamSpec> = P extends { type: 'list'; elements: infer E }
  ? BaseValue<E>[]
  : BaseValue<P['type']>;

/** The checked, coerced parameters a planner receives, typed from the spec. */
export type ParamValues<S extends ParamSpecs> = {
  -readonly [K in keyof S]: S[K] extends { required: true } | { default: NonNullable<unknown> }
    ? SpecValue<S[K]>
    : SpecValue<S[K]> | undefined;
};

/** Output of one command on the host. */
export interface StepOutput {
  rc: number;
  stdout: string;
  stderr: string;
}

/**
 * A fact: a shell command run on the host plus a pure parser of its output. The facts a task needs are
 * run together in one round trip.
 */
export interface Fact<T> {
  readonly cmd: string;
  parse(out: StepOutput): T;
}

export type FactRequests = Readonly<Record<string, Fact<unknown>>>;
export type FactValues<F extends FactRequests> = { [K in keyof F]: F[K] extends Fact<infer T> ? T : never };

/** Run a shell command on the host. */
export interface RunStep {
  kind: 'run';
  cmd: string;
  stdin?: string | Buffer;
  /** Exit codes that count as success (default [0]); 'any' lets finish() judge. */
  okRc?: number[] | 'any';
  /** Shown in -vvv and in errors instead of the command. */
  label?: string;
}

/**
 * Write a file atomically: into a temporary file beside dest, validate, set mode/owner, then rename.
 * When mode/owner/group are not given, an existing dest keeps its own.
 */
export interface PutStep {
  kind: 'put';
  dest: string;
  content: Buffer;
  mode?: string;
  owner?: string;
  group?: string;
  /** Command with %s for the temporary file; the rename happens only if it exits 0. */
  validate?: string;
  /** Keep a timestamped copy of the old file. */
  backup?: boolean;
}

/** Write a file on the controller (fetch): atomically, creating parent directories. */
export interface LocalPutStep {
  kind: 'local_put';
  dest: string;
  content: Buffer;
  mode?: number;
}

export type Step = RunStep | PutStep | LocalPutStep;

/** A file content change, for --diff. */
export interface FileDiff {
  before: string;
  after: string;
  beforeHeader?: string;
  afterHeader?: string;
  /** Set when content must not be shown (binary, too large, secret). */
  skipReason?: string;
}

/** What a check-mode run assumes an applied plan would have left behind, for later tasks to plan against. */
export interface CheckEffects {
  packages?: string[];
  files?: string[];
  services?: string[];
}

export type ModuleResult = Record<string, unknown> & { changed?: boolean; failed?: boolean; msg?: unknown };

export interface Plan {
  /** Whether applying the steps changes the host. */
  changed: boolean;
  steps: Step[];
  diff?: FileDiff[];
  /** Fields for the registered result (also used as-is in check mode). */
  result?: ModuleResult;
  /** The plan itself is a failure (e.g. a missing source file); result.msg says why. */
  failed?: boolean;
  /** The task is skipped (e.g. command in check mode); result.msg says why. */
  skipped?: boolean;
  /** Builds the final result from the outputs of the steps that ran (not called in check mode). */
  finish?(outputs: StepOutput[]): ModuleResult;
  effects?: CheckEffects;
}

/** What a planner may know about the run, besides facts. Implemented by the engine. */
export interface PlanContext {
  readonly host: string;
  readonly check: boolean;
  readonly diff: boolean;
  /** Gathered host facts (ansible_facts, without prefix), empty when not gathered. */
  readonly hostFacts: Readonly<Record<string, unknown>>;
  /** In check mode: what earlier tasks of this run would have done on this host. */
  readonly pending: Readonly<Required<CheckEffects>>;
  /** Find a controller file for src: role files/templates/vars dirs, then the playbook's, like Ansible. */
  findFile(kind: 'files' | 'templates' | 'vars', src: string): string;
  /** Render a template text with the task's variables (for template-like modules). */
  renderTemplate(text: string, path: string, extra?: Record<string, unknown>): string;
  /** Evaluate a Jinja expression with the task's variables (for controller-side actions). */
  evaluate(expr: string): unknown;
  /** The task's variables (templated lazily on access). */
  readonly vars: Readonly<Record<string, unknown>>;
  warn(msg: string): void;
  /** The run's -v count (debug's `verbosity` compares against it); 0 when absent. */
  readonly verbosity?: number;
  /**
   * Open the host's connection again if it is down and run `true` on it, within timeoutSec; false when the
   * host cannot be reached (never throws). For controller modules that wait for a host to come back
   * (wait_for_connection). Absent when the engine does not offer it.
   */
  probeConnection?(timeoutSec: number): Promise<boolean>;
}

export interface ModuleDoc {
  /** One line. */
  short: string;
  description?: string;
  examples?: string;
  /** Return values: name → description. */
  returns?: Readonly<Record<string, string>>;
}

export interface ModuleDef<S extends ParamSpecs = ParamSpecs, F extends FactRequests = FactRequests> {
  readonly name: string;
  readonly doc: ModuleDoc;
  readonly params: S;
  /**
   * Name of the parameter that receives the free-form text (`command: ls -l`). With freeFormKeys, only
   * those `k=v` words are taken as parameters and the rest stays free-form text.
   */
  readonly freeForm?: keyof S & string;
  readonly freeFormKeys?: readonly string[];
  /**
   * Accept parameters not in the spec (set_fact's variable names): checkParams passes them through
   * unchanged beside the declared ones, and the planner reads them from its params.
   */
  readonly freeKeys?: boolean;
  readonly mutuallyExclusive?: readonly (readonly string[])[];
  readonly requiredOneOf?: readonly (readonly string[])[];
  /** [param, value, params required when param == value] */
  readonly requiredIf?: readonly (readonly [string, unknown, readonly string[]])[];
  /** Check-mode support, as Ansible documents it. */
  readonly check: 'full' | 'partial' | 'none';
  readonly diff: boolean;
  /** 'controller' modules run no command on the host (debug, set_fact, assert). */
  readonly runsOn: 'host' | 'controller';
  facts?(p: ParamValues<S>, ctx: PlanContext): F | Promise<F>;
  plan(p: ParamValues<S>, facts: FactValues<F>, ctx: PlanContext): Plan | Promise<Plan>;
}

/** Declare a module; the parameter types of plan() are inferred from the spec. */
export function defineModule<const S extends ParamSpecs, F extends FactRequests = Record<string, never>>(
  def: ModuleDef<S, F>,
): ModuleDef<S, F> {
  return def;
}

/** A plan that changes nothing. */
export function noop(result: ModuleResult = {}): Plan {
  return { changed: false, steps: [], result };
}
