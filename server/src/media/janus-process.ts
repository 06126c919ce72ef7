import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnTied } from '../util/child.js';
import {
  JANUS_MODULE_DIRS,
  JANUS_PLUGINS,
  JANUS_TRANSPORTS,
  type JanusOptions,
  renderJanusConfig,
} from './janus/config.js';
import { JanusConnection } from './janus/connection.js';
import { JanusReply, JanusVerb } from './janus/protocol.js';

export interface JanusProcessOptions extends JanusOptions {
  /** The janus executable (Debian: /usr/bin/janus). */
  binary?: string;
  /** Folder with plugins/ and transports/ of the installed Janus; found if unset. */
  libDir?: string;
  /** Where the config goes; a fresh temporary folder (removed on close) if unset. */
  workDir?: string;
  /** WebSocket API port on 127.0.0.1; 0 picks a free one. */
  wsPort?: number;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Every line Janus prints; without it, only the last lines are kept for errors. */
  onLog?: (line: string) => void;
  /**
   * A folder holding a libsrtp2.so.1 for Janus to load instead of the system's
   * (LD_LIBRARY_PATH), e.g. libsrtp2 built with OpenSSL by
   * scripts/build-libsrtp.sh; null: the system's. Unset: DEFAULT_LIBSRTP_DIR
   * when it holds one, else the system's.
   */
  libsrtpDir?: string | null;
  /** The API's `api_secret`; a random one if unset (tests of several nodes share one). */
  apiSecret?: string;
}

/**
 * Where scripts/build-libsrtp.sh (run by setup) puts libsrtp2 built with
 * OpenSSL. Debian's is built with NSS, which sets up a PKCS #11 context for
 * every packet: bench/media measured ~28 % less Janus CPU per WebRTC
 * listener with the OpenSSL build of the same release.
 */
export const DEFAULT_LIBSRTP_DIR = '/usr/local/lib/salon/libsrtp-openssl';
const LIBSRTP_FILE = 'libsrtp2.so.1';

/** The libsrtp folder Janus will be started with (see JanusProcessOptions.libsrtpDir), or null. */
export function resolveLibsrtpDir(option: string | null | undefined): string | null {
  if (option === null) return null;
  if (option !== undefined) {
    if (!existsSync(path.join(option, LIBSRTP_FILE))) {
      throw new Error(`no ${LIBSRTP_FILE} in ${option}`);
    }
    return option;
  }
  return existsSync(path.join(DEFAULT_LIBSRTP_DIR, LIBSRTP_FILE)) ? DEFAULT_LIBSRTP_DIR : null;
}

export interface JanusProcessEvents {
  /** Janus died unasked; a restart follows. */
  exited: [info: { code: number | null; signal: NodeJS.Signals | null }];
  /** A new Janus answers at `url`; it knows no rooms, sessions or mountpoints. */
  restarted: [info: { url: string; restarts: number }];
  /** A restart attempt failed; another follows after a back-off. */
  restartFailed: [error: Error];
}

const WS_HOST = '127.0.0.1';
const LOG_TAIL_LINES = 40;
const MAX_BACKOFF_MS = 5_000;
/** A Janus that lived this long was healthy: its next crash restarts at once. */
const STABLE_AFTER_MS = 30_000;

/**
 * Runs Janus as a child from a generated config folder (API on 127.0.0.1 with
 * a random api_secret, Admin API off, only AudioBridge/Streaming/WebSockets),
 * restarts it when it dies, and stops it on close().
 */
export class JanusProcess extends EventEmitter<JanusProcessEvents> {
  static async start(options: JanusProcessOptions = {}): Promise<JanusProcess> {
    const libDir = options.libDir ?? findLibDir();
    const libsrtpDir = resolveLibsrtpDir(options.libsrtpDir);
    const ownsDir = options.workDir === undefined;
    const dir = options.workDir ?? (await mkdtemp(path.join(os.tmpdir(), 'salon-janus-')));
    const janus = new JanusProcess(options, libDir, libsrtpDir, dir, ownsDir);
    try {
      await janus.prepare();
      await janus.launch();
    } catch (error) {
      await janus.close();
      throw error;
    }
    return janus;
  }

  readonly apiSecret: string;
  private readonly adminSecret = randomBytes(24).toString('hex');
  private port: number;
  private child: ChildProcess | undefined;
  private exit: Promise<void> = Promise.resolve();
  private readonly logTail: string[] = [];
  private closing: Promise<void> | undefined;
  private restarts = 0;
  private failures = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly options: JanusProcessOptions,
    private readonly libDir: string,
    /** The folder Janus loads libsrtp2 from, or null for the system's. */
    readonly libsrtpDir: string | null,
    readonly dir: string,
    private readonly ownsDir: boolean,
  ) {
    super();
    this.port = options.wsPort ?? 0;
    this.apiSecret = options.apiSecret ?? randomBytes(24).toString('hex');
  }

  get url(): string {
    return `ws://${WS_HOST}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Opens a new API connection to the running Janus. */
  connect(): Promise<JanusConnection> {
    return JanusConnection.open({ url: this.url, apiSecret: this.apiSecret });
  }

  /** Idempotent: SIGTERM, then SIGKILL after stopTimeoutMs; removes a temporary folder. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.restartTimer);
    await this.stopChild();
    if (this.ownsDir) await rm(this.dir, { recursive: true, force: true });
  }

  private async prepare(): Promise<void> {
    for (const sub of Object.values(JANUS_MODULE_DIRS)) {
      await mkdir(path.join(this.dir, sub), { recursive: true });
    }
    const links = [
      ...JANUS_PLUGINS.map((file) => [JANUS_MODULE_DIRS.plugins, file] as const),
      ...JANUS_TRANSPORTS.map((file) => [JANUS_MODULE_DIRS.transports, file] as const),
    ];
    for (const [sub, file] of links) {
      const target = path.join(this.libDir, sub, file);
      if (!existsSync(target)) throw new Error(`Janus module missing: ${target}`);
      await rm(path.join(this.dir, sub, file), { force: true });
      await symlink(target, path.join(this.dir, sub, file));
    }
  }

  private async writeConfig(): Promise<void> {
    const files = renderJanusConfig({
      ...this.options,
      dir: this.dir,
      wsHost: WS_HOST,
      wsPort: this.port,
      apiSecret: this.apiSecret,
      adminSecret: this.adminSecret,
    });
    for (const [name, content] of Object.entries(files)) {
      await writeFile(path.join(this.dir, name), content, { mode: 0o600 });
    }
  }

  /** Spawns Janus and resolves once its API answers `info`. */
  private async launch(): Promise<void> {
    // A port we picked may have been taken since; pick again on every launch.
    if (!this.options.wsPort) this.port = await freeTcpPort();
    await this.writeConfig();
    // Tied to Salon: a Janus left behind by a crash would hold its ports.
    const child = spawnTied(
      this.options.binary ?? 'janus',
      ['-F', this.dir, '-C', path.join(this.dir, 'janus.jcfg')],
      { stdio: ['ignore', 'pipe', 'pipe'], env: this.childEnv() },
    );
    this.child = child;
    this.startedAt = Date.now();
    let exited = false;
    // Until Janus answers, a death is this launch's failure, not a crash to restart from.
    let starting = true;
    this.exit = new Promise((resolve) => {
      child.once('error', (error) => {
        this.log(`spawn failed: ${error.message}`);
        exited = true;
        resolve();
      });
      child.once('exit', (code, signal) => {
        exited = true;
        resolve();
        if (this.child === child && !starting) this.handleExit(code, signal);
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.log(line));
    }
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 20_000);
    while (!(await this.answersInfo())) {
      if (exited || Date.now() > deadline) {
        await this.stopChild();
        const why = exited ? 'exited during start-up' : 'did not answer in time';
        throw new Error(`Janus ${why}; last lines:\n${this.logTail.join('\n')}`);
      }
      await sleep(100);
    }
    starting = false;
    if (exited) throw new Error(`Janus exited right after start-up:\n${this.logTail.join('\n')}`);
  }

  private childEnv(): NodeJS.ProcessEnv {
    if (this.libsrtpDir === null) return process.env;
    const inherited = process.env['LD_LIBRARY_PATH'];
    return {
      ...process.env,
      LD_LIBRARY_PATH: inherited ? `${this.libsrtpDir}:${inherited}` : this.libsrtpDir,
    };
  }

  private async answersInfo(): Promise<boolean> {
    let connection: JanusConnection | undefined;
    try {
      connection = await JanusConnection.open({
        url: this.url,
        apiSecret: this.apiSecret,
        connectTimeoutMs: 1_000,
        requestTimeoutMs: 1_000,
      });
      const reply = await connection.send({ janus: JanusVerb.info });
      return reply.janus === JanusReply.serverInfo;
    } catch {
      return false;
    } finally {
      connection?.close();
    }
  }

  private handleExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    if (this.closing) return;
    this.emit('exited', { code, signal });
    this.scheduleRestart(Date.now() - this.startedAt > STABLE_AFTER_MS);
  }

  private scheduleRestart(stable: boolean): void {
    if (stable) this.failures = 0;
    const delay = this.failures === 0 ? 0 : Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.failures);
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    if (this.closing) return;
    try {
      await this.launch();
    } catch (error) {
      if (this.closing) return;
      this.failures += 1;
      this.emit('restartFailed', error instanceof Error ? error : new Error(String(error)));
      this.scheduleRestart(false);
      return;
    }
    if (this.closing) {
      await this.stopChild();
      return;
    }
    this.restarts += 1;
    this.emit('restarted', { url: this.url, restarts: this.restarts });
  }

  private async stopChild(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      await this.exit;
      return;
    }
    child.kill('SIGTERM');
    const stopTimeoutMs = this.options.stopTimeoutMs ?? 5_000;
    // The grace timer is cancelled once Janus is gone, or it would hold the event loop.
    const grace = new AbortController();
    const overdue = await Promise.race([
      this.exit.then(() => false),
      sleep(stopTimeoutMs, true, { signal: grace.signal }),
    ]);
    grace.abort();
    if (overdue) {
      child.kill('SIGKILL');
      await this.exit;
    }
  }

  private log(line: string): void {
    this.logTail.push(line);
    if (this.logTail.length > LOG_TAIL_LINES) this.logTail.shift();
    this.options.onLog?.(line);
  }
}

/** The Debian layout first, then the usual source-install prefixes. */
function findLibDir(): string {
  const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const candidates = [
    `/usr/lib/${multiarch}/janus`,
    '/usr/lib/janus',
    '/usr/local/lib/janus',
    '/opt/janus/lib/janus',
  ];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'plugins', JANUS_PLUGINS[0])));
  if (!found) throw new Error(`Janus plugins not found in ${candidates.join(', ')}`);
  return found;
}

export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  server.listen(0, WS_HOST);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('no free TCP port');
  return address.port;
}
