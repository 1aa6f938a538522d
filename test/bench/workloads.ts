// The benchmark's workloads: playbook, floor script, task count, and what to snapshot to compare tools.
import { join } from 'node:path';
import { BENCH_SRC, ROOT } from './util.js';

export type WorkloadId = 'a' | 'b' | 'c';
export const WORKLOAD_IDS: WorkloadId[] = ['a', 'b', 'c'];

export interface StateSpec {
  /** Paths whose tree (type, mode, owner, group, size, link target, sha1) is compared. */
  paths: string[];
  packages: string[];
  users: string[];
  groups: string[];
  /** Extra sh lines whose output is compared (e.g. is a service running). */
  extra: string[];
}

export interface Workload {
  id: WorkloadId | 'scale-a' | 'scale-c';
  title: string;
  playbook: string;
  floor: string;
  /** Extra environment of the floor script. */
  floorEnv?: Record<string, string>;
  /** Playbook tasks per host (not counting fact gathering and handlers), for the per-host·task figures. */
  tasks: number;
  state: StateSpec;
}

const W = join(BENCH_SRC, 'workloads');
/** Where the workloads write on fleet hosts (the inventory's bench_root). */
export const FLEET_BENCH_ROOT = '/srv/bench';

export const WORKLOADS: Record<WorkloadId, Workload> = {
  a: {
    id: 'a',
    title: '20 tasks of the most used modules, facts on',
    playbook: join(W, 'a.yml'),
    floor: join(W, 'a.floor.sh'),
    tasks: 20,
    state: {
      paths: [`${FLEET_BENCH_ROOT}/a`, '/home/benchuser'],
      packages: ['openssh-server', 'procps'],
      users: ['benchuser'],
      groups: ['benchgrp'],
      extra: [],
    },
  },
  b: {
    id: 'b',
    title: 'the nginx example (examples/nginx)',
    playbook: join(ROOT, 'examples', 'nginx', 'deploy_nginx.yml'),
    floor: join(W, 'b.floor.sh'),
    tasks: 4,
    state: {
      paths: ['/etc/nginx/sites-available/default', '/var/www/html'],
      packages: ['nginx'],
      users: ['www-data'],
      groups: [],
      extra: [
        'if [ -f /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then echo nginx running; else echo nginx stopped; fi',
        'ls /etc/rc2.d /etc/rc3.d /etc/rc5.d 2>/dev/null | grep nginx | sort',
      ],
    },
  },
  c: {
    id: 'c',
    title: '200 small file/lineinfile tasks',
    playbook: join(W, 'c.yml'),
    floor: join(W, 'c.floor.sh'),
    tasks: 200,
    state: { paths: [`${FLEET_BENCH_ROOT}/c`], packages: [], users: [], groups: [], extra: [] },
  },
};

/** The scale test's workloads (fake fleet endpoints: no users, groups or packages). */
export const SCALE_WORKLOADS: Record<'a' | 'c', Workload> = {
  a: {
    id: 'scale-a',
    title: 'workload a without user/group/apt (scale-a.yml), facts on',
    playbook: join(W, 'scale-a.yml'),
    floor: join(W, 'scale-a.floor.sh'),
    tasks: 20,
    state: { paths: [], packages: [], users: [], groups: [], extra: [] },
  },
  c: {
    id: 'scale-c',
    title: '20 small file/lineinfile tasks (scale-c.yml: c.yml with 5 directories)',
    playbook: join(W, 'scale-c.yml'),
    floor: join(W, 'c.floor.sh'),
    floorEnv: { C_DIRS: '5' },
    tasks: 20,
    state: { paths: [], packages: [], users: [], groups: [], extra: [] },
  },
};
