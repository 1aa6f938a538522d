// mount (ansible.posix.mount): fstab entries, and mounting or unmounting them where the host allows.
import {
  defineModule,
  type ModuleResult,
  type Plan,
  type Step,
  type StepOutput,
} from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { textFile } from '../src/facts/text-file.js';
import { failPlan } from './_shared/fail.js';
import { parseMountinfo, removeEntry, setEntry } from './_shared/fstab.js';
import { planTextWrite } from './_shared/text-write.js';

const params = {
  path: { type: 'path', required: true, aliases: ['name'], description: 'The mount point.' },
  src: {
    type: 'path',
    description: 'The device, UUID=..., or remote share (required for present and mounted).',
  },
  fstype: { type: 'str', description: 'Filesystem type (required for present and mounted).' },
  opts: { type: 'str', description: 'Mount options (default: defaults).' },
  dump: { type: 'str', default: '0', description: 'The fstab dump field.' },
  passno: { type: 'str', default: '0', description: 'The fstab fsck order field.' },
  state: {
    type: 'str',
    required: true,
    choices: ['absent', 'mounted', 'present', 'unmounted', 'remounted'],
    description:
      'present: only the fstab entry; mounted: entry and mounted (mount point created); unmounted: unmount, ' +
      'keep the entry; absent: unmount, remove the entry and the mount point; remounted: mount -o remount.',
  },
  fstab: { type: 'str', default: '/etc/fstab', description: 'The fstab file to edit.' },
  boot: { type: 'bool', default: true, description: 'Mount at boot; false adds noauto to the options.' },
  backup: {
    type: 'bool',
    default: false,
    description: 'Keep a timestamped copy of the fstab before changing it.',
  },
} as const;

export const mount = defineModule({
  name: 'mount',
  doc: {
    short: 'Control active and configured mount points',
    description:
      'Entries are found by mount point; a differing one is rewritten in place. Spaces and backslashes in ' +
      'fields are written as fstab octal escapes. Mounting uses the fstab entry (mount [-T fstab] PATH).',
    examples: [
      '- mount: path=/srv/data src=UUID=1234-abcd fstype=ext4 opts=noatime state=mounted',
      '- mount: path=/mnt/scratch src=tmpfs fstype=tmpfs opts=size=64m state=present',
      '- mount: path=/mnt/old state=absent',
    ].join('\n'),
    returns: {
      name: 'The mount point.',
      src: 'Source.',
      fstype: 'Type.',
      opts: 'Options.',
      dump: 'dump field.',
      passno: 'passno field.',
      fstab: 'The file edited.',
      backup_file: 'The copy made with backup=yes.',
    },
  },
  params,
  requiredIf: [
    ['state', 'mounted', ['src', 'fstype']],
    ['state', 'present', ['src', 'fstype']],
  ],
  check: 'full',
  diff: false,
  runsOn: 'host',
  facts(p) {
    return {
      fstab: textFile(p.fstab),
      mounts: { cmd: 'cat /proc/self/mountinfo', parse: (o: StepOutput) => parseMountinfo(o.stdout) },
      dir: { cmd: sh`test -d ${p.path}`, parse: (o: StepOutput) => o.rc === 0 },
    };
  },
  plan(p, f, ctx): Plan {
    const path = p.path.length > 1 ? p.path.replace(/\/+$/, '') : p.path;
    if (f.fstab.tooLarge) return failPlan(`${p.fstab} is too large to edit`);
    if ([p.src, p.fstype, p.opts, path].some((v) => v !== undefined && /\n/.test(v)))
      return failPlan('fstab fields cannot contain newlines');
    let opts = p.opts ?? 'defaults';
    if (!p.boot) {
      const list = opts.split(',').filter((o) => o !== 'defaults');
      if (!list.includes('noauto')) list.push('noauto');
      opts = list.join(',');
    }
    const result: ModuleResult = {
      name: path,
      src: p.src ?? null,
      fstype: p.fstype ?? null,
      opts,
      dump: p.dump,
      passno: p.passno,
      fstab: p.fstab,
      boot: p.boot,
    };
    const fstabArg = p.fstab === '/etc/fstab' ? [] : ['-T', p.fstab];
    const mounted = f.mounts.has(path);
    const steps: Step[] = [];
    let changed = false;
    const writeFstab = (after: string) => {
      const w = planTextWrite({ now: f.fstab, after, diff: ctx.diff, backup: p.backup });
      steps.push(...w.steps);
      changed = true;
    };

    if (p.state === 'absent') {
      const after = removeEntry(f.fstab.text, path);
      if (after !== undefined) {
        writeFstab(after);
        if (mounted) steps.push({ kind: 'run', cmd: sh`umount -- ${path}` });
        // Only an empty directory goes, like os.rmdir.
        if (f.dir) steps.push({ kind: 'run', cmd: sh`rmdir -- ${path}` });
      }
    } else if (p.state === 'unmounted') {
      if (mounted) {
        steps.push({ kind: 'run', cmd: sh`umount -- ${path}` });
        changed = true;
      }
    } else if (p.state === 'remounted') {
      steps.push({ kind: 'run', cmd: remount(path, fstabArg) });
      changed = true;
    } else {
      const after = setEntry(f.fstab.text, {
        src: p.src!,
        path,
        fstype: p.fstype!,
        opts,
        dump: p.dump,
        passno: p.passno,
      });
      if (after !== undefined) writeFstab(after);
      if (p.state === 'mounted') {
        if (!f.dir) steps.unshift({ kind: 'run', cmd: sh`mkdir -p -- ${path}` });
        if (!mounted) {
          steps.push({ kind: 'run', cmd: sh`mount ${fstabArg} -- ${path}` });
          changed = true;
        } else if (after !== undefined) steps.push({ kind: 'run', cmd: remount(path, fstabArg) });
      }
    }
    return { changed, steps, result };
  },
});

/** mount -o remount; some filesystems cannot, so fall back to unmounting and mounting again. */
function remount(path: string, fstabArg: string[]): string {
  return `${sh`mount ${fstabArg} -o remount -- ${path}`} || { ${sh`umount -- ${path}`} && ${sh`mount ${fstabArg} -- ${path}`}; }`;
}
