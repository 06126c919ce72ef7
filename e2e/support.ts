/**
 * What the browser tests share: a real Salon server in a child process (as
 * `npm start` runs it, on a fresh data folder), Debian's Chromium driven by
 * playwright-core, screenshots, and small waits that poll the page.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const SCREENSHOTS = path.join(ROOT, 'test-artifacts', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface RunningServer {
  url: string;
  /** Stops the process; its data is kept when `keepData` (for a restart on the same port). */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** A new process on the same port and data: what clients see as a network blip. */
  restart(): Promise<RunningServer>;
}

/** Starts the server from its sources on 127.0.0.1 and a free port; it serves the built web app. */
export async function startServer(
  env: Record<string, string> = {},
  reuse?: { port: number; dataDir: string },
): Promise<RunningServer> {
  if (!existsSync(path.join(ROOT, 'web', 'dist', 'index.html'))) {
    throw new Error('The web app is not built: run `npm run build -w web` first.');
  }
  const dataDir = reuse?.dataDir ?? mkdtempSync(path.join(tmpdir(), 'salon-e2e-'));
  const port = reuse?.port ?? (await freePort());
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=salon-source', '--import', 'tsx', 'server/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        HOST_MIN_FOLLOWERS: '0',
        RATE_LIMIT_AUTH_PER_MINUTE: '1000',
        RATE_LIMIT_WRITES_PER_MINUTE: '10000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: string[] = [];
  child.stderr?.on('data', (chunk) => logs.push(String(chunk)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${logs.join('')}`)),
      30_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${logs.join('')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string; level?: number };
        if (entry.msg === 'salon started' && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
        if ((entry.level ?? 0) >= 50) process.stderr.write(`server: ${line}\n`);
      } catch {
        // Not a log line.
      }
    });
  });
  const running: RunningServer = {
    url,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, delay(10_000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await running.stop({ keepData: true });
      return startServer(env, { port, dataDir });
    },
  };
  return running;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The one way the browser tests start Chromium: headless, no sandbox (root in
 * CI), nothing talking to the network on its own. `args` adds flags, e.g. the
 * fake audio devices of `launchAudioBrowser`.
 */
export function launchBrowser(args: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      ...args,
    ],
  });
}

/**
 * Reports every Content-Security-Policy violation of the page (the app, its
 * hls.js worker, its media) into `errors`, so a test whose page the CSP broke
 * fails, even where the app recovers on its own. Adds no user gesture.
 */
export async function watchCsp(page: Page, errors: string[]): Promise<void> {
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().startsWith('CSP violation:')) {
      errors.push(`${page.url()}: ${message.text()}`);
    }
  });
}

/** A page that fails the test on any uncaught script error or CSP violation. */
export async function newPage(
  browser: Browser,
  viewport: { width: number; height: number },
  errors: string[],
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  await watchCsp(page, errors);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let animations and fonts settle so the picture shows what a person sees.
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Polls until `read()` returns `expected` (or throws with what it last saw). */
export async function eventually<T>(
  read: () => Promise<T>,
  expected: T,
  { timeout = 10_000, what = 'value' } = {},
): Promise<void> {
  const until = Date.now() + timeout;
  let last: T | undefined;
  while (Date.now() < until) {
    try {
      last = await read();
      if (last === expected) return;
    } catch {
      // Not there yet.
    }
    await delay(100);
  }
  throw new Error(`${what}: expected ${String(expected)}, last saw ${String(last)}`);
}

export const text = async (locator: Locator) =>
  (await locator.textContent({ timeout: 1000 }))?.trim() ?? '';

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Calls the API directly (for setup that is not the subject of a test), keeping the session cookie. */
export class ApiClient {
  private cookie = '';
  constructor(private readonly base: string) {}

  async call<T = any>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}/api/v1${route}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const set = response.headers.getSetCookie().find((c) => c.startsWith('salon_session='));
    if (set) this.cookie = set.split(';')[0]!;
    const data = (await response.json().catch(() => null)) as T;
    if (!response.ok)
      throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(data)}`);
    return data;
  }
}
