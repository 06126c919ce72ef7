/**
 * The part every media bench's run.ts shares: Janus and libwebrtc never use
 * loopback for ICE, so the bench body runs in a network namespace with a
 * veth pair. Outside one (the bench's marker variable unset), this re-runs
 * the calling file through scripts/netns-run.sh, whose PID namespace takes
 * every process left behind (Janus, ffmpeg, nginx) with it when the run
 * ends, and exits with its status; inside, it imports the bench's body.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NetnsBench {
  /** The bench's name, for the error line (`bench/<name>`). */
  name: string;
  /** The calling run.ts's import.meta.url: the file re-run inside the namespace. */
  entry: string;
  /** Set to 1 inside the namespace (BENCH_<NAME>_IN_NETNS). */
  marker: string;
  /** Imports the bench's body; called inside the namespace only. */
  body: () => Promise<unknown>;
  /** The backstop: the inner run is killed (SIGKILL of unshare ends the namespace) after this. */
  timeoutMs: number;
}

export async function runInNetns(bench: NetnsBench): Promise<void> {
  if (process.env[bench.marker] === '1') {
    await bench.body();
    return;
  }
  const root = path.resolve(import.meta.dirname, '../..');
  const result = spawnSync(
    'bash',
    [
      path.join(root, 'scripts/netns-run.sh'),
      '--',
      process.execPath,
      ...process.execArgv,
      fileURLToPath(bench.entry),
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, [bench.marker]: '1' },
      timeout: bench.timeoutMs,
      killSignal: 'SIGKILL',
    },
  );
  if (result.error) console.error(`bench/${bench.name}:`, result.error.message);
  process.exit(result.status ?? 1);
}
