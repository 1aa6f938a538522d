// hostname: set the host's name, now (hostname / hostnamectl) and across reboots (/etc/hostname).
import {
  defineModule,
  type ModuleResult,
  type Plan,
  type Step,
  type StepOutput,
} from '../src/core/module.js';
import { sh } from '../src/core/sh.js';
import { failPlan } from './_shared/fail.js';

const params = {
  name: { type: 'str', required: true, description: 'The host name.' },
  use: {
    type: 'str',
    choices: [
      'alpine',
      'debian',
      'freebsd',
      'generic',
      'macos',
      'macosx',
      'darwin',
      'openbsd',
      'openrc',
      'redhat',
      'sles',
      'solaris',
      'systemd',
    ],
    description:
      'The strategy: default systemd (hostnamectl) when systemd runs, else debian (/etc/hostname).',
  },
} as const;

/** Where each supported strategy keeps the permanent name (systemd asks hostnamectl). */
const FILES: Record<string, string | undefined> = {
  debian: '/etc/hostname',
  alpine: '/etc/hostname',
  generic: undefined,
  systemd: undefined,
};

interface HostnameFacts {
  systemd: boolean;
  current: string;
  permanent: string;
  fqdn: string;
}

export const hostname = defineModule({
  name: 'hostname',
  doc: {
    short: 'Manage the hostname',
    description:
      'Changed when the running name or the permanent one differs. Without systemd the running name is set ' +
      'with `hostname NAME` and the permanent one in /etc/hostname; /etc/hosts is not touched (as in Ansible).',
    examples: '- hostname: name=web1.example.com',
    returns: {
      name: 'The name set.',
      ansible_facts: 'ansible_hostname, ansible_nodename, ansible_fqdn, ansible_domain.',
    },
  },
  params,
  check: 'full',
  diff: true,
  runsOn: 'host',
  facts() {
    return {
      state: {
        cmd: [
          'if [ -d /run/systemd/system ] && command -v hostnamectl >/dev/null 2>&1; then echo systemd=yes; ' +
            'echo "current=$(hostnamectl --transient status 2>/dev/null || hostname)"; ' +
            'echo "permanent=$(hostnamectl --static status 2>/dev/null)"; ',
          'else echo "current=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"; ' +
            'echo "permanent=$(head -n1 /etc/hostname 2>/dev/null)"; fi',
          'echo "fqdn=$(hostname -f 2>/dev/null || hostname)"',
        ].join('\n'),
        parse: (out: StepOutput): HostnameFacts => {
          const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(out.stdout)?.[1]?.trim() ?? '';
          return {
            systemd: get('systemd') === 'yes',
            current: get('current'),
            permanent: get('permanent'),
            fqdn: get('fqdn'),
          };
        },
      },
    };
  },
  plan(p, f, ctx): Plan {
    const st = f.state;
    const use = p.use ?? (st.systemd ? 'systemd' : 'debian');
    if (!(use in FILES))
      return failPlan(`hostname strategy '${use}' is not supported by tsible on this host`);
    const name = p.name.trim();
    // The kernel keeps at most 64 bytes; whitespace would not survive /etc/hostname.
    if (name === '' || /\s/.test(name) || Buffer.byteLength(name) > 64)
      return failPlan(`invalid hostname: ${JSON.stringify(p.name)}`);
    const file = FILES[use];
    const steps: Step[] = [];
    if (use === 'systemd') {
      if (st.current !== name)
        steps.push({ kind: 'run', cmd: sh`hostnamectl --transient set-hostname ${name}` });
      if (st.permanent !== name)
        steps.push({ kind: 'run', cmd: sh`hostnamectl --static set-hostname ${name}` });
    } else {
      if (st.current !== name) steps.push({ kind: 'run', cmd: sh`hostname -- ${name}` });
      if (file !== undefined && st.permanent !== name)
        steps.push({ kind: 'put', dest: file, content: Buffer.from(`${name}\n`) });
    }
    const facts = (fqdn: string): ModuleResult => ({
      ansible_hostname: name.split('.')[0],
      ansible_nodename: name,
      ansible_fqdn: fqdn,
      ansible_domain: fqdn.split('.').slice(1).join('.'),
    });
    const result: ModuleResult = { name, ansible_facts: facts(name.includes('.') ? name : st.fqdn) };
    if (steps.length === 0)
      return { changed: false, steps, result: { ...result, ansible_facts: facts(st.fqdn) } };
    steps.push({ kind: 'run', cmd: 'hostname -f 2>/dev/null || hostname', okRc: 'any' });
    const plan: Plan = {
      changed: true,
      steps,
      result,
      finish: (outs) => {
        const fqdn = (outs.at(-1)?.stdout ?? '').trim();
        return fqdn === '' ? {} : { ansible_facts: facts(fqdn) };
      },
    };
    if (ctx.diff) plan.diff = [{ before: `hostname = ${st.current}\n`, after: `hostname = ${name}\n` }];
    return plan;
  },
});
