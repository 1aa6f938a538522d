// The transcript cases of the conformance suite: each playbook (with its flags) is run by ansible-core 2.14
// on local-connection hosts cf1..cf3 (record.ts) and by tsible on fleet hosts of the same names; the
// normalised transcripts and exit codes must be equal.

export interface TranscriptCase {
  /** Name of the expected/<id>.txt file. */
  id: string;
  playbook: string;
  args?: string[];
  /** More inventory sources, relative to the playbooks directory. */
  inventory?: string[];
}

const PREC_ARGS = [
  '-e',
  'v_paramextra=extra',
  '-e',
  'e_num=5',
  '-e',
  '{"e_json": {"n": 1}}',
  '-e',
  '@prec/vars/extra.yml',
];

export const CASES: TranscriptCase[] = [
  { id: 'control', playbook: 'control.yml' },
  { id: 'loops', playbook: 'loops.yml' },
  { id: 'handlers', playbook: 'handlers.yml' },
  { id: 'handlers-force', playbook: 'handlers.yml', args: ['--force-handlers'] },
  { id: 'templated-notify', playbook: 'templated-notify.yml' },
  { id: 'includes', playbook: 'includes.yml' },
  { id: 'includes-tag-imp', playbook: 'includes.yml', args: ['--tags', 'imp'] },
  { id: 'includes-tag-applied', playbook: 'includes.yml', args: ['--tags', 'applied'] },
  { id: 'serial', playbook: 'serial.yml' },
  { id: 'maxfail', playbook: 'maxfail.yml' },
  { id: 'fatal', playbook: 'fatal.yml' },
  { id: 'partial', playbook: 'partial.yml' },
  { id: 'meta', playbook: 'meta.yml' },
  { id: 'dynamic', playbook: 'dynamic.yml' },
  { id: 'precedence', playbook: 'prec/prec.yml', args: PREC_ARGS, inventory: ['prec/inv/extra.ini'] },
  { id: 'recap', playbook: 'recap.yml', inventory: ['dead.ini'] },
  { id: 'checkdiff', playbook: 'checkdiff.yml', args: ['--check', '--diff'] },
  ...['', 'install', 'tagged', 'untagged', 'debug', 'all'].map((t) => ({
    id: `tags-${t || 'none'}`,
    playbook: 'tags.yml',
    args: t ? ['--tags', t] : [],
  })),
  { id: 'tags-skip-always', playbook: 'tags.yml', args: ['--skip-tags', 'always'] },
  { id: 'tags-skip-install-conf', playbook: 'tags.yml', args: ['--skip-tags', 'install,conf'] },
  { id: 'start-at-task', playbook: 'tags.yml', args: ['--start-at-task', 'always'] },
];
