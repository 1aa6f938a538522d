// JSON printed the way Ansible's callbacks print it (Python's json.dumps: ", " and ": " separators, sorted keys).

function str(s: string): string {
  return JSON.stringify(s);
}

/** Compact one-line JSON like json.dumps(v, sort_keys=True). */
export function pyJson(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[' + v.map(pyJson).join(', ') + ']';
  if (typeof v === 'object') {
    const keys = Object.keys(v).sort();
    const o = v as Record<string, unknown>;
    return (
      '{' +
      keys
        .filter((k) => o[k] !== undefined)
        .map((k) => `${str(k)}: ${pyJson(o[k])}`)
        .join(', ') +
      '}'
    );
  }
  return str(String(v));
}

/** Indented JSON like json.dumps(v, indent=4, sort_keys=True). */
export function pyJsonIndent(v: unknown, indent = 4, level = 0): string {
  const pad = ' '.repeat(indent * (level + 1));
  const end = ' '.repeat(indent * level);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return '[\n' + v.map((x) => pad + pyJsonIndent(x, indent, level + 1)).join(',\n') + '\n' + end + ']';
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    if (keys.length === 0) return '{}';
    return (
      '{\n' +
      keys.map((k) => `${pad}${str(k)}: ${pyJsonIndent(o[k], indent, level + 1)}`).join(',\n') +
      '\n' +
      end +
      '}'
    );
  }
  return pyJson(v);
}
