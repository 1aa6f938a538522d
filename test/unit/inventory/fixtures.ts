// Helpers for inventory tests: temporary file trees and loading an inventory from text.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import type { Vars } from '../../../src/core/types.js';
import { Inventory, type VarLayer } from '../../../src/inventory/inventory.js';

const made: string[] = [];

afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A file's text, or text plus mode (e.g. 0o755 for scripts). */
export type FileSpec = string | { text: string; mode: number };

/** Write `files` (relative path → content) under a new temporary directory and return its path. */
export function tree(files: Record<string, FileSpec>): string {
  const root = mkdtempSync(join(tmpdir(), 'tsible-inv-test-'));
  made.push(root);
  for (const [rel, spec] of Object.entries(files)) {
    const full = join(root, rel);
    mkdirSync(dirname(full), { recursive: true });
    const text = typeof spec === 'string' ? spec : spec.text;
    writeFileSync(full, text);
    if (typeof spec !== 'string') chmodSync(full, spec.mode);
  }
  return root;
}

/** Load an inventory made of `files`, using `sources` (relative to the tree) as -i values. */
export async function loadTree(
  files: Record<string, FileSpec>,
  sources: string[],
): Promise<{ inv: Inventory; dir: string }> {
  const dir = tree(files);
  const inv = await Inventory.load(sources, { cwd: dir });
  return { inv, dir };
}

/** Load INI text as `inventory.ini`. */
export async function loadIni(text: string): Promise<Inventory> {
  return (await loadTree({ 'inventory.ini': text }, ['inventory.ini'])).inv;
}

/** Merge layers in order, like the variable manager does. */
export function merged(layers: VarLayer[]): Vars {
  const out: Vars = {};
  for (const l of layers) Object.assign(out, l.vars);
  return out;
}

/** The merged inventory vars of a host, without the inventory_file/inventory_dir magic. */
export function hostVars(inv: Inventory, host: string, playbookDirs: string[] = []): Vars {
  const v = merged(inv.varLayers(host, playbookDirs));
  delete v.inventory_file;
  delete v.inventory_dir;
  return v;
}

/** Run `fn` and return the error it throws (fails the test when it does not throw). */
export async function errorOf(fn: () => unknown): Promise<Error & { pos?: { file: string; line?: number } }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { pos?: { file: string; line?: number } };
  }
  throw new Error('expected an error, got none');
}
