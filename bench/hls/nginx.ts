import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Debian's nginx as the baseline: a child with a config of our own, bound to
 * 127.0.0.1, serving Salon's HLS folder under the same URL shape (the token
 * segment of the path is ignored, nothing is verified), with the same
 * content types and cache headers.
 */
export class Nginx {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(options: {
    hlsRoot: string;
    port: number;
    workers: number;
    pinCore?: number;
  }): Promise<Nginx> {
    const dir = mkdtempSync(path.join(tmpdir(), 'salon-nginx-'));
    for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, sub));
    const root = options.hlsRoot;
    writeFileSync(
      path.join(dir, 'nginx.conf'),
      `worker_processes ${options.workers};
${options.pinCore === undefined ? '' : `worker_cpu_affinity 1${'0'.repeat(options.pinCore)};`}
daemon off;
master_process on;
# The data folder is private to the bench's user (mkdtemp, mode 0700): read it as that user.
user ${userInfo().username};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 65;
  server {
    listen 127.0.0.1:${options.port};
    location ~ "^/hls/([0-9a-z]{20})/(live|replay|archive)/[^/]+/([a-z0-9_-]+\\.m3u8)$" {
      alias ${root}/$1/$2/$3;
      add_header Cache-Control "public, max-age=1";
      add_header Access-Control-Allow-Origin "*";
    }
    location ~ "^/hls/([0-9a-z]{20})/(live|replay|archive)/[^/]+/([a-z0-9_-]+\\.ts)$" {
      alias ${root}/$1/$2/$3;
      add_header Cache-Control "public, max-age=7200, immutable";
      add_header Access-Control-Allow-Origin "*";
    }
  }
}
`,
    );
    const child = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const nginx = new Nginx(child, options.port);
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode})`);
      const up = await fetch(`http://127.0.0.1:${options.port}/`).then(
        () => true,
        () => false,
      );
      if (up) return nginx;
      await sleep(50);
    }
    await nginx.stop();
    throw new Error('nginx did not start');
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const closed = new Promise((resolve) => this.child.once('close', resolve));
    this.child.kill('SIGQUIT');
    await Promise.race([closed, sleep(3000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
