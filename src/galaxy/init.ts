// `init NAME`: a new role skeleton (the directories ansible-galaxy role init creates, with short starter files).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { galaxyError } from './requirements.js';

function readme(name: string): string {
  return `# ${name}

What this role does, in one or two sentences.

## Requirements

Anything the target hosts need before this role runs.

## Role variables

| Variable | Default | Meaning |
| -------- | ------- | ------- |

Defaults live in \`defaults/main.yml\` (easy to override), fixed values in \`vars/main.yml\`.

## Dependencies

Other roles this one needs, listed in \`meta/main.yml\`.

## Example playbook

\`\`\`yaml
- hosts: servers
  roles:
    - role: ${name}
\`\`\`

## License

MIT
`;
}

function meta(): string {
  return `galaxy_info:
  author: your name
  description: your role description
  company: your company (optional)
  license: license (GPL-2.0-or-later, MIT, etc)
  min_ansible_version: '2.14'
  platforms: []
  galaxy_tags: []

# Roles that run before this one. To have tsible-galaxy install one from git:
#   - src: https://github.com/org/role.git
#     version: v1.0.0
#     name: role
dependencies: []
`;
}

/** The files of a new role, relative to its directory (empty directories end with '/'). */
export function skeleton(name: string): Record<string, string> {
  const header = (kind: string): string => `---\n# ${kind} file for ${name}\n`;
  return {
    'README.md': readme(name),
    'tasks/main.yml': header('tasks'),
    'handlers/main.yml': header('handlers'),
    'defaults/main.yml': header('defaults'),
    'vars/main.yml': header('vars'),
    'meta/main.yml': meta(),
    'templates/': '',
    'files/': '',
    'tests/inventory': 'localhost\n',
    'tests/test.yml': `---\n- hosts: localhost\n  remote_user: root\n  roles:\n    - ${name}\n`,
  };
}

/** Create the skeleton of role `name` under `initPath`; returns its directory. */
export function initRole(name: string, initPath: string, force = false): string {
  if (!name || /[/\\\0]/.test(name) || name.startsWith('.')) {
    throw galaxyError(`invalid role name '${name}': it must be a plain directory name`);
  }
  const dir = resolve(initPath, name);
  if (existsSync(dir) && !force) {
    throw galaxyError(
      `- the directory ${dir} already exists. You can use --force to re-initialize this directory,\n` +
        'however it will reset any main.yml files that may have\nbeen modified there already.',
    );
  }
  for (const [rel, text] of Object.entries(skeleton(name))) {
    const path = join(dir, rel);
    if (rel.endsWith('/')) {
      mkdirSync(path, { recursive: true });
      continue;
    }
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}
