// tsible-doc's outputs, from a module's own definition: the text page (ansible-doc's layout), the
// playbook snippet (-s), the JSON (--json) and the one-line list (-l).
import type { AnyModule } from '../../modules/index.js';
import { docValue, sortedParams, type ModuleEntry } from './module-info.js';

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

const PAD = ' '.repeat(8);

function indented(text: string, width = 80): string[] {
  return wrap(text, width - PAD.length).map((l) => (l ? PAD + l : ''));
}

function support(def: AnyModule): { check: string; diff: string } {
  return { check: def.check, diff: def.diff ? 'full' : 'none' };
}

/** The page `tsible-doc MODULE` prints: description, options, attributes, examples, return values. */
export function moduleText(entry: ModuleEntry): string {
  const { def } = entry;
  const lines: string[] = [];
  lines.push(
    `> ${entry.name.toUpperCase()}    (${entry.library ? 'custom module from library/' : 'tsible built-in module'})`,
    '',
  );
  if (entry.aliasOf) lines.push(...indented(`Another name for the ${entry.aliasOf} module.`), '');
  const short = def.doc.short.endsWith('.') ? def.doc.short : `${def.doc.short}.`;
  lines.push(...indented(def.doc.description ? `${short} ${def.doc.description}` : short), '');
  if (def.freeForm) {
    lines.push(
      `  * note: takes a free-form argument (\`${entry.name}: TEXT\`), given to ${def.freeForm}.`,
      '',
    );
  }
  if (def.runsOn === 'controller')
    lines.push('  * note: runs on the controller; no command reaches the host.', '');
  lines.push('OPTIONS (= is mandatory):', '');
  const params = sortedParams(def);
  if (params.length === 0) lines.push('        This module takes no options.', '');
  for (const [name, spec] of params) {
    lines.push(`${spec.required ? '=' : '-'} ${name}`);
    lines.push(...indented(spec.description));
    if (spec.aliases?.length) lines.push(`${PAD}aliases: [${spec.aliases.join(', ')}]`);
    if (spec.choices) lines.push(`${PAD}choices: [${spec.choices.map(docValue).join(', ')}]`);
    if (!spec.required) lines.push(`${PAD}default: ${docValue(spec.default)}`);
    if (spec.elements) lines.push(`${PAD}elements: ${spec.elements}`);
    if (spec.noLog) lines.push(`${PAD}no_log: true`);
    lines.push(`${PAD}type: ${spec.type}`, '');
  }
  if (def.mutuallyExclusive?.length || def.requiredOneOf?.length || def.requiredIf?.length) {
    lines.push('RULES:', '');
    for (const g of def.mutuallyExclusive ?? []) lines.push(`${PAD}only one of: ${g.join(', ')}`);
    for (const g of def.requiredOneOf ?? []) lines.push(`${PAD}at least one of: ${g.join(', ')}`);
    for (const [p, v, needed] of def.requiredIf ?? []) {
      lines.push(`${PAD}when ${p}=${docValue(v)}: ${needed.join(', ')} required`);
    }
    lines.push('');
  }
  const s = support(def);
  lines.push(
    'ATTRIBUTES:',
    '',
    `${PAD}check_mode:`,
    `${PAD}  support: ${s.check}`,
    `${PAD}diff_mode:`,
    `${PAD}  support: ${s.diff}`,
    `${PAD}platform:`,
    `${PAD}  platforms: posix`,
    `${PAD}  runs_on: ${def.runsOn}`,
    '',
  );
  if (def.doc.examples) lines.push('EXAMPLES:', '', def.doc.examples.trimEnd(), '', '');
  const returns = Object.entries(def.doc.returns ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (returns.length > 0) {
    lines.push('RETURN VALUES:');
    for (const [k, desc] of returns) lines.push(`- ${k}`, ...indented(desc), '');
  }
  return lines.join('\n').trimEnd() + '\n';
}

/** The playbook snippet (`tsible-doc -s`): a task with every option commented. */
export function moduleSnippet(entry: ModuleEntry): string {
  const { def } = entry;
  const lines = [`- name: ${def.doc.short}`, `  ${entry.name}:`];
  const col = 29;
  for (const [name, spec] of sortedParams(def)) {
    const head = `      ${name}:`.padEnd(col - 2) + ' ';
    const text = `${spec.required ? '(required) ' : ''}${spec.description}`;
    const body = wrap(text, 80 - col - 2);
    body.forEach((l, i) => lines.push(`${i === 0 ? head.padEnd(col) : ' '.repeat(col)}# ${l}`));
  }
  return lines.join('\n') + '\n';
}

/** The --json form: `{name: {doc, examples, metadata, return}}` like ansible-doc --json. */
export function moduleJson(entry: ModuleEntry): Record<string, unknown> {
  const { def } = entry;
  const options: Record<string, unknown> = {};
  for (const [name, spec] of sortedParams(def)) {
    const o: Record<string, unknown> = { description: [spec.description], type: spec.type };
    if (spec.required) o.required = true;
    if (spec.default !== undefined) o.default = spec.default;
    if (spec.choices) o.choices = [...spec.choices];
    if (spec.aliases?.length) o.aliases = [...spec.aliases];
    if (spec.elements) o.elements = spec.elements;
    if (spec.noLog) o.no_log = true;
    options[name] = o;
  }
  const s = support(def);
  const doc: Record<string, unknown> = {
    attributes: {
      check_mode: { support: s.check },
      diff_mode: { support: s.diff },
      platform: { platforms: 'posix', support: 'N/A' },
    },
    collection: 'ansible.builtin',
    description: [def.doc.description ?? def.doc.short],
    has_action: def.runsOn === 'controller',
    module: entry.name,
    options,
    short_description: def.doc.short,
  };
  if (entry.aliasOf) doc.alias_of = entry.aliasOf;
  if (def.freeForm) doc.free_form = def.freeForm;
  const ret: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(def.doc.returns ?? {})) ret[k] = { description: d };
  return {
    doc,
    examples: def.doc.examples ? `\n${def.doc.examples.trimEnd()}\n` : '',
    metadata: null,
    return: ret,
  };
}

/** `tsible-doc -l`: one line per module, the name padded, then the short description. */
export function moduleList(entries: ModuleEntry[]): string {
  const width = Math.max(0, ...entries.map((e) => e.name.length)) + 3;
  return entries
    .map((e) => `${e.name.padEnd(width)}${e.aliasOf ? `(alias of ${e.aliasOf}) ` : ''}${e.def.doc.short}`)
    .map((l) => l + '\n')
    .join('');
}
