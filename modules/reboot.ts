// reboot: declared so playbooks that reboot conditionally validate; rebooting itself is not supported yet.
import { defineModule } from '../src/core/module.js';
import { failPlan } from './_shared/fail.js';

const params = {
  pre_reboot_delay: { type: 'int', default: 0, description: 'Seconds before rebooting.' },
  post_reboot_delay: { type: 'int', default: 0, description: 'Seconds to wait after the host is back.' },
  reboot_timeout: { type: 'int', default: 600, description: 'Seconds to wait for the host to come back.' },
  connect_timeout: { type: 'int', description: 'Seconds for one connection attempt.' },
  test_command: { type: 'str', default: 'whoami', description: 'The command that tells the host is usable.' },
  msg: {
    type: 'str',
    default: 'Reboot initiated by Ansible',
    description: 'The message for logged-in users.',
  },
  search_paths: {
    type: 'list',
    elements: 'str',
    default: ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'],
    description: 'Where to look for shutdown.',
  },
  boot_time_command: {
    type: 'str',
    default: 'cat /proc/sys/kernel/random/boot_id',
    description: 'The command whose output changes with each boot.',
  },
  reboot_command: { type: 'str', description: 'The command that reboots (default: shutdown -r).' },
} as const;

export const reboot = defineModule({
  name: 'reboot',
  doc: {
    short: 'Reboot a machine',
    description:
      'Not supported by tsible yet: a task that reaches it fails with that message (in check mode too), so ' +
      'nothing is rebooted by surprise. A reboot task skipped by `when` validates and skips normally.',
    examples: '- reboot:\n  when: kernel_updated is changed',
    returns: { rebooted: 'Whether the host rebooted.', elapsed: 'Seconds it took.' },
  },
  params,
  check: 'full',
  diff: false,
  runsOn: 'controller',
  plan() {
    return failPlan(
      'reboot is not supported by tsible yet: it needs the engine to wait for the host to come back. ' +
        'Reboot outside tsible for now.',
      { rebooted: false },
    );
  },
});
