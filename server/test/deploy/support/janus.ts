import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

const root = path.resolve(import.meta.dirname, '../../../..');
export const JANUS_DEPLOY = path.join(root, 'deploy/janus');

/**
 * A Janus node from deploy/janus/<n>/ as it is, with its folders moved under
 * `dir` and its API port chosen here; the module links made by
 * deploy/janus/janus-modules.sh (its destination moved the same way). Only
 * the API is used (no WebRTC): this checks that the shipped config loads
 * the modules Salon needs and answers the shared api_secret.
 */
export class DeployedJanus {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static start(node: 1 | 2, dir: string, port: number): DeployedJanus {
    const cfg = path.join(dir, 'cfg');
    const modules = path.join(dir, 'modules');
    mkdirSync(cfg, { recursive: true });
    const source = path.join(JANUS_DEPLOY, String(node));
    for (const file of readdirSync(source)) {
      let text = readFileSync(path.join(source, file), 'utf8');
      text = text
        .replaceAll(`/etc/salon/janus/${node}`, cfg)
        .replaceAll('/var/lib/salon-janus/modules', modules)
        .replace(/ws_port = \d+/, `ws_port = ${port}`);
      writeFileSync(path.join(cfg, file), text);
    }
    const script = readFileSync(path.join(JANUS_DEPLOY, 'janus-modules.sh'), 'utf8').replace(
      'dest=/var/lib/salon-janus/modules',
      `dest=${modules}`,
    );
    writeFileSync(path.join(dir, 'janus-modules.sh'), script);
    execFileSync('sh', [path.join(dir, 'janus-modules.sh')]);
    const child = spawn('janus', ['-F', cfg, '-C', path.join(cfg, 'janus.jcfg')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return new DeployedJanus(child, port);
  }

  /** One API request (`janus`: info, create...), retried until Janus answers. */
  async ask(
    request: Record<string, unknown>,
    timeoutMs = 60_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`janus exited (${this.child.exitCode})`);
      const reply = await new Promise<Record<string, unknown> | null>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${this.port}`, 'janus-protocol');
        const timer = setTimeout(() => {
          ws.terminate();
          resolve(null);
        }, 5000);
        ws.on('open', () => ws.send(JSON.stringify({ transaction: 'deploy', ...request })));
        ws.on('message', (data) => {
          clearTimeout(timer);
          ws.close();
          resolve(JSON.parse(data.toString()) as Record<string, unknown>);
        });
        ws.on('error', () => {
          clearTimeout(timer);
          resolve(null);
        });
      });
      if (reply) return reply;
      if (Date.now() > deadline) throw new Error('janus did not answer');
      await sleep(200);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
