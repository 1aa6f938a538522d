// The file arguments every file-writing module accepts (Ansible's add_file_common_args).
import type { ParamSpec } from '../../src/core/module.js';

export const fileCommonParams = {
  mode: {
    type: 'raw',
    description: "Permissions: octal ('0644' or YAML 0644), symbolic (u=rw,g=r,o=r) or preserve.",
  },
  owner: { type: 'str', description: 'Owner name or uid.' },
  group: { type: 'str', description: 'Group name or gid.' },
  attributes: { type: 'str', aliases: ['attr'], description: 'Accepted; chattr attributes are not applied.' },
  seuser: { type: 'str', description: 'Accepted; SELinux is not managed.' },
  serole: { type: 'str', description: 'Accepted; SELinux is not managed.' },
  setype: { type: 'str', description: 'Accepted; SELinux is not managed.' },
  selevel: { type: 'str', description: 'Accepted; SELinux is not managed.' },
  unsafe_writes: { type: 'bool', default: false, description: 'Accepted; writes are always atomic.' },
} as const satisfies Record<string, ParamSpec>;
