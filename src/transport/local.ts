// ansible_connection=local: the same commands, run as child processes of the controller (become included;
// su gets its terminal from util-linux `script`).
import { spawn } from 'node:child_process';
import type { StepOutput } from '../core/module.js';
import { BecomeDriver, wrapBecome } from './become.js';
import type { Connection, DebugLog, RunOptions } from './types.js';

export class LocalConnection implements Connection {
  constructor(
    readonly host: string,
    private readonly debug?: DebugLog,
  ) {}

  run(cmd: string, opts: RunOptions = {}): Promise<StepOutput> {
    // A process per command is cheap locally (no login, no rc files): become wraps each command.
    if (opts.becomeAs) {
      const { becomeAs, ...rest } = opts;
      const w = wrapBecome(becomeAs, cmd, opts.stdin);
      return this.run(w.cmd, { ...rest, ...w.opts });
    }
    const become = opts.become;
    this.debug?.(`<${this.host}> EXEC /bin/sh -c ${opts.noLog ? '(command hidden: no_log)' : cmd}`);
    return new Promise((resolve, reject) => {
      const stdio: ['pipe', 'pipe', 'pipe'] = ['pipe', 'pipe', 'pipe'];
      // -q quiet, -f flush at once, -e the command's exit code, -c the command; no typescript file.
      const child = become?.pty
        ? spawn('script', ['-qfec', cmd, '/dev/null'], { stdio })
        : spawn('/bin/sh', ['-c', cmd], { stdio });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      let killed = false;
      let finished = false;
      const kill = (): void => {
        killed = true;
        child.kill('SIGKILL');
      };
      const driver = become
        ? new BecomeDriver(
            become,
            { write: (d) => child.stdin.write(d), end: () => child.stdin.end(), abort: kill },
            opts.stdin,
          )
        : undefined;
      if (opts.timeoutMs) {
        timer = setTimeout(() => {
          timedOut = true;
          kill();
        }, opts.timeoutMs);
      }
      child.stdout.on('data', (d: Buffer) => {
        const pass = driver ? driver.onStdout(d) : d;
        if (pass) out.push(pass);
      });
      child.stderr.on('data', (d: Buffer) => {
        const pass = driver ? driver.onStderr(d) : d;
        if (pass) err.push(pass);
      });
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        if (driver && !driver.succeeded && !timedOut) {
          reject(driver.finish(code ?? undefined));
          return;
        }
        if (timedOut) err.push(Buffer.from(`\ntsible: command timed out after ${opts.timeoutMs} ms\n`));
        const stderr = driver ? Buffer.concat([driver.leadingStderr(), ...err]) : Buffer.concat(err);
        resolve({
          rc: timedOut ? 124 : (code ?? (signal ? 128 + 9 : 1)),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: stderr.toString('utf8'),
        });
      };
      child.on('error', reject);
      // A command we killed may have left children holding its output open: do not wait for them.
      child.on('exit', (code, signal) => {
        if (!killed) return;
        child.stdin.destroy();
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      });
      child.on('close', finish);
      child.stdin.on('error', () => undefined);
      if (driver) driver.start();
      else child.stdin.end(opts.stdin ?? '');
    });
  }

  close(): void {}
}
