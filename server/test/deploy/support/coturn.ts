import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(import.meta.dirname, '../../../..');
export const TURN_CONF = path.join(root, 'deploy/coturn/turnserver.conf');

export const hasTurnserver = () => spawnSync('turnserver', ['--version']).status === 0;

/** deploy/coturn/turnserver.conf with the address, ports, secret and files of this run. */
export function renderTurnConf(o: {
  dir: string;
  port: number;
  relayPorts: { min: number; max: number };
  secret: string;
}): string {
  let conf = readFileSync(TURN_CONF, 'utf8');
  const set = (key: string, value: string) => {
    const re = new RegExp(`^${key}=.*$`, 'm');
    if (!re.test(conf)) throw new Error(`deploy/coturn/turnserver.conf has no ${key}=`);
    conf = conf.replace(re, `${key}=${value}`);
  };
  set('listening-port', String(o.port));
  set('listening-ip', '127.0.0.1');
  set('min-port', String(o.relayPorts.min));
  set('max-port', String(o.relayPorts.max));
  set('static-auth-secret', o.secret);
  set('pidfile', path.join(o.dir, 'turnserver.pid'));
  set('log-file', path.join(o.dir, 'turnserver.log'));
  return conf;
}

export class Turnserver {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static start(o: {
    dir: string;
    port: number;
    relayPorts: { min: number; max: number };
    secret: string;
  }): Turnserver {
    const conf = path.join(o.dir, 'turnserver.conf');
    writeFileSync(conf, renderTurnConf(o));
    const child = spawn('turnserver', ['-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
    return new Turnserver(child, o.port);
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
