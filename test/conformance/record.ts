// Records the expected transcripts: runs every case of cases.ts with ansible-core (ansible-playbook must be
// installed) against local-connection hosts named like the fleet hosts, and writes expected/<id>.txt.
// Usage: npx tsx test/conformance/record.ts [id...]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from './cases.js';
import { normaliseTranscript } from './normalise.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const LOCAL_INVENTORY =
  '[conf]\ncf1\ncf2\ncf3\n\n[conf:vars]\nansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n';

const only = process.argv.slice(2);
for (const c of CASES.filter((x) => only.length === 0 || only.includes(x.id))) {
  const dir = mkdtempSync(join(tmpdir(), 'tsible-conf-record-'));
  try {
    cpSync(join(HERE, 'playbooks'), dir, { recursive: true });
    writeFileSync(join(dir, 'local.ini'), LOCAL_INVENTORY);
    const inv = ['local.ini', ...(c.inventory ?? [])].flatMap((i) => ['-i', i]);
    const r = spawnSync('ansible-playbook', [...inv, c.playbook, ...(c.args ?? [])], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' },
    });
    const text = `# ansible-core 2.14 exit code: ${r.status}\n${normaliseTranscript(r.stdout, dir)}`;
    writeFileSync(join(HERE, 'expected', `${c.id}.txt`), text);
    process.stdout.write(`${c.id}: rc=${r.status}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
