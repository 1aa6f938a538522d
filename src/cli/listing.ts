// --list-tasks, --list-tags and --explain: read-only views of a loaded playbook.
import type { RunConfig } from '../engine/context.js';
import type { Run } from '../engine/run.js';
import { tagsAllow } from '../engine/tags.js';
import { pyRepr } from '../output/pyrepr.js';
import type { Task, TaskNode } from '../playbook/model.js';

function flatten(nodes: TaskNode[]): Task[] {
  const out: Task[] = [];
  for (const n of nodes) {
    if (n.kind === 'task') out.push(n);
    else out.push(...flatten([...n.block, ...n.rescue, ...n.always]));
  }
  return out;
}

function title(t: Task): string {
  const name = t.name ?? t.action;
  return t.role ? `${t.role.name} : ${name}` : name;
}

export function listTasks(run: Run, cfg: RunConfig): string {
  let out = '';
  for (const pb of run.loadedPlaybooks) {
    out += `\nplaybook: ${pb.file}\n`;
    pb.plays.forEach((play, i) => {
      out += `\n  play #${i + 1} (${play.hosts.join(',')}): ${play.name}\tTAGS: [${play.tags.join(', ')}]\n    tasks:\n`;
      for (const t of flatten([...play.preTasks, ...play.tasks, ...play.postTasks])) {
        if (t.action === 'meta' || t.action === 'ansible.builtin.meta') continue;
        if (!tagsAllow(t.tags, cfg.tags, cfg.skipTags)) continue;
        out += `      ${title(t)}\tTAGS: [${[...new Set(t.tags)].sort().join(', ')}]\n`;
      }
    });
  }
  return out + '\n';
}

export function listTags(run: Run): string {
  let out = '';
  for (const pb of run.loadedPlaybooks) {
    out += `\nplaybook: ${pb.file}\n`;
    pb.plays.forEach((play, i) => {
      const tags = new Set<string>();
      for (const t of flatten([...play.preTasks, ...play.tasks, ...play.postTasks]))
        for (const g of t.tags) tags.add(g);
      out += `\n  play #${i + 1} (${play.hosts.join(',')}): ${play.name}\tTAGS: [${play.tags.join(', ')}]\n`;
      out += `      TASK TAGS: [${[...tags].sort().join(', ')}]\n`;
    });
  }
  return out + '\n';
}

/** Every place that sets `name` for a host, lowest precedence first, and which one wins. */
export function explainVariable(run: Run, name: string, limit: string | undefined): string {
  const inv = run.inv;
  const hosts = limit
    ? inv.limit(
        inv.hosts().map((h) => h.name),
        limit,
      )
    : inv.hosts().map((h) => h.name);
  if (hosts.length === 0) return `No host matches ${limit ?? 'the inventory'}; use --limit HOST\n`;
  let out = '';
  for (const host of hosts.slice(0, limit ? hosts.length : 1)) {
    const sources = run.varSources(host, name);
    out += `\n${name} for ${host}:\n`;
    if (sources.length === 0) {
      out += '  not set anywhere tsible can see before the run (set_fact/register happen during it)\n';
      continue;
    }
    const winner = sources.length - 1;
    sources.forEach((s, i) => {
      out += `  ${i === winner ? '=>' : '  '} ${String(s.level).padStart(2)} ${s.source}: ${pyRepr(s.value)}${i === winner ? '   (wins)' : ''}\n`;
    });
    out += `  value: ${pyRepr(sources[winner]!.value)}\n`;
  }
  return out;
}
