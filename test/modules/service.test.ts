// service/systemd: transitions from fact tables, the pending-packages rule in check mode, and the init-script wrapper.
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { service } from '../../modules/service.js';
import { systemd } from '../../modules/systemd.js';
import type { ServiceStatus } from '../../src/facts/service-status.js';
import { makeCtx, planWith, runSh, shWords, tempDir } from './_harness.js';

const sysv = (over: Partial<ServiceStatus> = {}): ServiceStatus => ({
  manager: 'sysv',
  exists: true,
  running: false,
  enabled: false,
  hasLinks: false,
  masked: false,
  props: {},
  ...over,
});
const unit = (over: Partial<ServiceStatus> = {}): ServiceStatus => ({
  manager: 'systemd',
  exists: true,
  running: false,
  enabled: false,
  hasLinks: false,
  masked: false,
  props: { LoadState: 'loaded', ActiveState: 'inactive' },
  ...over,
});
const cmds = (p: { steps: { kind: string; cmd?: string }[] }) => p.steps.map((s) => s.cmd ?? '');

describe('service on Debian init scripts', () => {
  it.each([
    ['start a stopped service', { state: 'started' }, sysv(), true, /\/etc\/init\.d\/nginx start/],
    ['leave a running one', { state: 'started' }, sysv({ running: true }), false, undefined],
    ['stop a running one', { state: 'stopped' }, sysv({ running: true }), true, /init\.d\/nginx stop/],
    ['leave a stopped one', { state: 'stopped' }, sysv(), false, undefined],
    ['always restart', { state: 'restarted' }, sysv({ running: true }), true, /init\.d\/nginx restart/],
    ['restart of a stopped one starts it', { state: 'restarted' }, sysv(), true, /init\.d\/nginx start/],
    ['always reload', { state: 'reloaded' }, sysv({ running: true }), true, /init\.d\/nginx reload/],
    ['enable with no links: defaults', { enabled: true }, sysv(), true, /^update-rc\.d nginx defaults$/],
    [
      'enable with K links: enable',
      { enabled: true },
      sysv({ hasLinks: true }),
      true,
      /^update-rc\.d nginx enable$/,
    ],
    [
      'disable',
      { enabled: false },
      sysv({ enabled: true, hasLinks: true }),
      true,
      /^update-rc\.d nginx disable$/,
    ],
    ['already enabled', { enabled: true }, sysv({ enabled: true, hasLinks: true }), false, undefined],
  ])('%s', async (_n, args, status, changed, cmd) => {
    const plan = await planWith(service, { name: 'nginx', ...args }, { status });
    expect(plan.changed).toBe(changed);
    if (cmd) expect(cmds(plan).some((c) => cmd.test(c))).toBe(true);
    else expect(plan.steps).toEqual([]);
    // Idempotency: the state the steps lead to plans nothing (restarted/reloaded always act).
    if (!['restarted', 'reloaded'].includes(String((args as { state?: string }).state))) {
      const after = sysv({
        ...status,
        running: 'state' in args ? args.state === 'started' : status.running,
        enabled: 'enabled' in args ? Boolean(args.enabled) : status.enabled,
        hasLinks: true,
      });
      const again = await planWith(service, { name: 'nginx', ...args }, { status: after });
      expect(again.steps).toEqual([]);
      expect(again.changed).toBe(false);
    }
  });

  it('restart with sleep stops, sleeps and starts; arguments are split and quoted', async () => {
    const plan = await planWith(
      service,
      { name: 'app', state: 'restarted', sleep: 2, arguments: `--opt "a b" ';rm'` },
      { status: sysv({ running: true }) },
    );
    expect(plan.steps).toHaveLength(3);
    const start = cmds(plan)[2]!
      .split('\n')[1]!
      .replace(/ >"\$o" 2>&1 <\/dev\/null$/, '');
    expect(shWords(start)).toEqual(['/etc/init.d/app', 'start', '--opt', 'a b', ';rm']);
    expect(cmds(plan)[1]).toBe('sleep 2');
  });

  it('fails for a missing service, except in check mode after a package task', async () => {
    const missing = sysv({ exists: false });
    const p = await planWith(service, { name: 'nginx', state: 'started' }, { status: missing });
    expect(p).toMatchObject({
      failed: true,
      result: { msg: 'Could not find the requested service nginx: host' },
    });
    const noPending = await planWith(
      service,
      { name: 'nginx', state: 'started' },
      { status: missing },
      makeCtx({ check: true }),
    );
    expect(noPending.failed).toBe(true);
    const ctx = makeCtx({ check: true, pending: { packages: ['nginx'], files: [], services: [] } });
    const q = await planWith(
      service,
      { name: 'nginx', state: 'started', enabled: true },
      { status: missing },
      ctx,
    );
    expect(q.failed).toBeUndefined();
    expect(q.changed).toBe(true);
    expect(q.result).toMatchObject({ name: 'nginx', state: 'started', enabled: true });
  });

  it('uses systemctl when systemd runs', async () => {
    const p = await planWith(service, { name: 'nginx', state: 'started', enabled: true }, { status: unit() });
    expect(cmds(p)).toEqual(['systemctl enable -- nginx', 'systemctl start -- nginx']);
    expect(p.result).toMatchObject({
      name: 'nginx',
      state: 'started',
      enabled: true,
      status: { LoadState: 'loaded' },
    });
  });

  it('requires state or enabled', async () => {
    await expect(planWith(service, { name: 'x' }, { status: sysv() })).rejects.toThrow(
      'one of the following is required: state, enabled',
    );
  });
});

describe('init script wrapper (run for real)', () => {
  it("captures the script's output and rc, and a daemon holding stdout does not keep us waiting", () => {
    const d = tempDir();
    const script = join(d, 'svc');
    writeFileSync(script, '#!/bin/sh\necho "doing $1"\nsleep 5 &\nexit 3\n');
    chmodSync(script, 0o755);
    return planWith(service, { name: `../..${d}/svc`, state: 'started' }, { status: sysv() }).then((plan) => {
      const t0 = Date.now();
      const out = runSh(cmds(plan)[0]!);
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(out).toMatchObject({ rc: 3, stdout: 'doing start\n' });
    });
  });
});

describe('systemd', () => {
  const running = true;
  it('daemon_reload runs first without a change; mask and state do change', async () => {
    const p = await planWith(
      systemd,
      { name: 'app', daemon_reload: true, state: 'started' },
      { running, status: unit({ running: true }) },
    );
    expect(cmds(p)).toEqual(['systemctl daemon-reload']);
    expect(p.changed).toBe(false);
    const m = await planWith(systemd, { name: 'app', masked: true }, { running, status: unit() });
    expect(cmds(m)).toEqual(['systemctl mask -- app']);
    expect(m.changed).toBe(true);
    const n = await planWith(
      systemd,
      { unit: 'app', state: 'restarted', no_block: true },
      { running, status: unit({ running: true }) },
    );
    expect(cmds(n)).toEqual(['systemctl --no-block restart -- app']);
  });

  it('fails without systemd and for other scopes', async () => {
    const p = await planWith(systemd, { name: 'app', state: 'started' }, { running: false, status: sysv() });
    expect(p.result?.msg).toBe(
      "System has not been booted with systemd as init system (PID 1). Can't operate.",
    );
    const s = await planWith(
      systemd,
      { name: 'app', state: 'started', scope: 'user' },
      { running, status: unit() },
    );
    expect(s.result?.msg).toBe('scope user is not supported by tsible');
  });

  it('daemon_reload alone needs no name', async () => {
    const p = await planWith(systemd, { daemon_reload: true }, { running, status: unit({ exists: false }) });
    expect(cmds(p)).toEqual(['systemctl daemon-reload']);
    expect(p.changed).toBe(false);
  });
});
