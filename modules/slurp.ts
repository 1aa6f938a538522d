// slurp: return a remote file's content base64-encoded (binary-safe), never changing anything.
import { defineModule, type Plan } from '../src/core/module.js';
import { fileSlurp } from '../src/facts/file-slurp.js';

const params = {
  src: { type: 'path', required: true, aliases: ['path'], description: 'The file to read on the host.' },
} as const;

export const slurp = defineModule({
  name: 'slurp',
  doc: {
    short: 'Slurp a file from the host',
    description: "Returns the file's bytes base64-encoded; use the b64decode filter to read them.",
    examples: [
      '- slurp: src=/etc/ssh/ssh_host_ed25519_key.pub',
      '  register: key',
      '- debug: msg="{{ key.content | b64decode }}"',
    ].join('\n'),
    returns: {
      content: 'The bytes, base64-encoded.',
      encoding: "'base64'.",
      source: 'The path read.',
    },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    return { file: fileSlurp(p.src) };
  },
  plan(p, f): Plan {
    const msg = {
      missing: `file not found: ${p.src}`,
      unreadable: `file is not readable: ${p.src}`,
      dir: `source is a directory and must be a file: ${p.src}`,
    };
    if (f.file.state !== 'ok')
      return { changed: false, steps: [], failed: true, result: { msg: msg[f.file.state] } };
    return {
      changed: false,
      steps: [],
      result: {
        content: (f.file.content ?? Buffer.alloc(0)).toString('base64'),
        source: p.src,
        encoding: 'base64',
      },
    };
  },
});
