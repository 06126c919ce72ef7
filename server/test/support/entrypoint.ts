import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * The real entrypoint (`server/src/main.ts`) in a child process, for tests
 * that kill or stop Salon as an operator or a crash would. Resolves with its
 * URL once it listens; `started` keeps every child so the test's `after` can
 * kill what a failing assertion left running (it would hang the runner).
 */
export async function startEntrypoint(
  env: Record<string, string>,
  started: Set<ChildProcess>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=salon-source', '--import', 'tsx', 'server/src/main.ts'],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'info',
        MEDIA: 'off',
        RATE_LIMIT_WRITES_PER_MINUTE: '100000',
        RATE_LIMIT_AUTH_PER_MINUTE: '100000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  started.add(child);
  let buffer = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${buffer}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /"url":"([^"]+)"/.exec(buffer);
      if (match?.[1]) {
        clearTimeout(timer);
        buffer = '';
        // Still read (and drop) the log, so the pipe never fills.
        child.stdout!.off('data', onData).on('data', () => {});
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${buffer}`)));
  });
  return { child, url };
}
