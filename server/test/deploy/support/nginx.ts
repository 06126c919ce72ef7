import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(import.meta.dirname, '../../../..');
export const NGINX_CONF = path.join(root, 'deploy/nginx/salon.conf');

/**
 * deploy/nginx/salon.conf as it is, with only what differs on this machine
 * rewritten: the files under /var and /run go to `dir`, the listen address
 * to 127.0.0.1:<port>, the two node lines to `upstreams`, the worker user to
 * ours (the temp folder is private). Each rewrite must match, so a change to
 * the deploy file that would leave it untested fails here instead.
 */
export function renderNginxConf(o: {
  dir: string;
  port: number;
  upstreams: string[];
  workers?: number;
}): string {
  let conf = readFileSync(NGINX_CONF, 'utf8');
  const replace = (pattern: RegExp, value: string) => {
    if (!pattern.test(conf)) throw new Error(`deploy/nginx/salon.conf: ${pattern} not found`);
    conf = conf.replace(pattern, value);
  };
  replace(/^user www-data;$/m, `user ${userInfo().username};`);
  if (o.workers !== undefined)
    replace(/^worker_processes auto;$/m, `worker_processes ${o.workers};`);
  replace(/^pid \/run\//m, `pid ${o.dir}/`);
  replace(/\/var\/log\/nginx\//g, `${o.dir}/`);
  replace(/\/var\/lib\/nginx\//g, `${o.dir}/`);
  replace(/\/var\/cache\/nginx\//g, `${o.dir}/cache/`);
  replace(/^ {4}listen 80;$/m, `    listen 127.0.0.1:${o.port};`);
  replace(
    /# nodes: begin\n[\s\S]*?# nodes: end/,
    `# nodes: begin\n${o.upstreams.map((u) => `    server ${u} max_fails=3 fail_timeout=5s;`).join('\n')}\n    # nodes: end`,
  );
  return conf;
}

/** One line of the `salon` access log format. */
export interface AccessLine {
  method: string;
  path: string;
  status: number;
  /** The node that answered, or null when the cache did. */
  upstream: string | null;
  cache: string | null;
}

export function parseAccessLog(text: string): AccessLine[] {
  const out: AccessLine[] = [];
  const re = /"(\w+) (\S+) [^"]*" (\d{3}) \d+ upstream=(\S+) cache=(\S+)/;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    out.push({
      method: m[1]!,
      path: m[2]!,
      status: Number(m[3]),
      upstream: m[4] === '-' ? null : m[4]!,
      cache: m[5] === '-' ? null : m[5]!,
    });
  }
  return out;
}

/** nginx from the deploy config in a folder of its own, in the foreground (`daemon off`). */
export class NginxEdge {
  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get accessLog(): string {
    return path.join(this.dir, 'salon-access.log');
  }

  /** The access log so far (nginx writes each line as the request ends). */
  lines(): AccessLine[] {
    try {
      return parseAccessLog(readFileSync(this.accessLog, 'utf8'));
    } catch {
      return [];
    }
  }

  static async start(o: {
    dir: string;
    port: number;
    upstreams: string[];
    workers?: number;
    /** A change to the rendered config (benches compare a variant); none in tests. */
    transform?: (conf: string) => string;
  }): Promise<NginxEdge> {
    for (const sub of ['cache']) mkdirSync(path.join(o.dir, sub), { recursive: true });
    const conf = path.join(o.dir, 'nginx.conf');
    writeFileSync(conf, (o.transform ?? ((c: string) => c))(renderNginxConf(o)));
    const child = spawn('nginx', ['-p', o.dir, '-c', conf, '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const edge = new NginxEdge(child, o.dir, o.port);
    for (let i = 0; i < 600; i++) {
      if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${stderr}`);
      const up = await fetch(`${edge.url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (up) return edge;
      await sleep(50);
    }
    await edge.stop();
    throw new Error(`nginx did not start: ${stderr}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const closed = new Promise((resolve) => this.child.once('close', resolve));
    this.child.kill('SIGQUIT');
    await Promise.race([closed, sleep(5000)]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
