// Where the tsible package is on disk and its version, from any file under src/ (tsx) or dist/src/ (node).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The directory holding tsible's package.json (the repository, or the installed package). */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (!existsSync(pkg)) continue;
    try {
      const data = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string };
      if (data.name === 'tsible') return (root = dir);
    } catch {
      // Not ours: keep looking upwards.
    }
  }
  throw new Error('cannot find the tsible package.json above ' + fileURLToPath(import.meta.url));
}

/** tsible's version from package.json ('unknown' if it cannot be read). */
export function packageVersion(): string {
  try {
    const data = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
      version?: string;
    };
    return data.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
