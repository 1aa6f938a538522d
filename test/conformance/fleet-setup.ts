// Shared setup of the conformance suite: the playbooks copied to a scratch directory, and fleet hosts
// cf1..cf3 (group conf) that only this suite starts and stops.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playbook, type CliResult } from '../fleet/cli.js';
import { fleetDown, fleetUp, type Fleet } from '../fleet/fleet.js';
import { normaliseTranscript } from './normalise.js';

export const HERE = dirname(fileURLToPath(import.meta.url)).replace(
  /\/dist\/test\/conformance$/,
  '/test/conformance',
);
export const NAMES = ['cf1', 'cf2', 'cf3'];

export interface Conformance {
  dir: string;
  fleet: Fleet;
  /** Run tsible-playbook in the scratch directory against the fleet (plus extra inventory sources). */
  run(playbookFile: string, args?: string[], inventory?: string[]): Promise<CliResult>;
}

export function setUp(): Conformance {
  const dir = mkdtempSync(join(tmpdir(), 'tsible-conf-'));
  cpSync(join(HERE, 'playbooks'), dir, { recursive: true });
  const up = (): Fleet => fleetUp({ names: NAMES, group: 'conf', inventory: join(dir, 'fleet.ini') });
  let fleet: Fleet;
  try {
    fleet = up();
  } catch {
    // Other suites start and stop their own hosts at the same time; one retry rides out a busy moment.
    fleet = up();
  }
  return {
    dir,
    fleet,
    run: (file, args = [], inventory = []) =>
      playbook([...['fleet.ini', ...inventory].flatMap((i) => ['-i', i]), file, ...args], { cwd: dir }),
  };
}

export function tearDown(): void {
  fleetDown(NAMES);
}

/** expected/<id>.txt: ansible-core's exit code and normalised transcript. */
export function expected(id: string): { rc: number; text: string } {
  const raw = readFileSync(join(HERE, 'expected', `${id}.txt`), 'utf8');
  const nl = raw.indexOf('\n');
  const rc = Number(/exit code: (\d+)/.exec(raw.slice(0, nl))?.[1]);
  return { rc, text: raw.slice(nl + 1) };
}

export function normalised(r: CliResult, dir: string): string {
  return normaliseTranscript(r.stdout, dir);
}
