// Python regular expressions in JavaScript: the syntax differences that matter for modules' patterns.

/**
 * Translate the Python-only spellings: named groups (?P<n>...) and back references (?P=n), and the
 * anchors \A and \Z. Inline flags at the start ((?i), (?m), (?s)) become RegExp flags.
 */
export function pythonRegExp(pattern: string, flags = ''): RegExp {
  let p = pattern;
  let f = flags;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(p);
  if (inline) {
    p = p.slice(inline[0].length);
    for (const c of inline[1]!) if ('ims'.includes(c) && !f.includes(c)) f += c;
  }
  p = p
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  return new RegExp(p, f);
}
