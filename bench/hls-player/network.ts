/**
 * What stands between the bench's players and the origins.
 *
 * `JitterProxy`: a TCP proxy that holds every chunk, each way, for
 * `delay ± jitter` ms (uniform), in order per connection (as TCP delivers):
 * what `tc qdisc … netem delay 30ms 20ms` would do to the player's traffic.
 * This machine's kernel has no netem (nor prio) qdisc (`tc` says "Specified
 * qdisc kind is unknown"), so the jitter is added here, in user space.
 *
 * `baselineOrigin`: serves the baseline's folder (the 1 s live playlist the
 * bench's ffmpeg wrapper writes beside Salon's) with the headers Salon's
 * origin gives live files: playlists `no-store`, segments cacheable.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';

export class JitterProxy {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }, delayMs: number, jitterMs: number) {
    const sockets = new Set<Socket>();
    const pipe = (from: Socket, to: Socket) => {
      let last = 0;
      from.on('data', (chunk: Buffer) => {
        const wait = delayMs + (Math.random() * 2 - 1) * jitterMs;
        const at = Math.max(last, performance.now() + wait);
        last = at;
        setTimeout(
          () => {
            if (!to.destroyed) to.write(chunk);
          },
          Math.max(0, at - performance.now()),
        );
      });
      from.on('end', () => setTimeout(() => to.end(), Math.max(0, last - performance.now()) + 1));
      from.on('error', () => to.destroy());
      from.on('close', () => sockets.delete(from));
    };
    const server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      sockets.add(client);
      sockets.add(upstream);
      client.setNoDelay(true);
      upstream.setNoDelay(true);
      pipe(client, upstream);
      pipe(upstream, client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new JitterProxy(server, sockets, (server.address() as AddressInfo).port);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function baselineOrigin(
  dir: string,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const server: HttpServer = createHttpServer(async (request, reply) => {
    const name = path.basename(new URL(request.url ?? '/', 'http://x').pathname);
    reply.setHeader('access-control-allow-origin', '*');
    if (!/^[\w.-]+\.(m3u8|ts)$/.test(name)) {
      reply.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(path.join(dir, name));
      const playlist = name.endsWith('.m3u8');
      reply.writeHead(200, {
        'content-type': playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t',
        'cache-control': playlist ? 'no-store' : 'public, max-age=7200, immutable',
      });
      reply.end(body);
    } catch {
      reply.writeHead(404).end();
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
