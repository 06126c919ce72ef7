import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Spawns a child that cannot outlive Salon. When Salon dies without a
 * shutdown (a crash, kill -9), Node runs no exit handler, and a Janus or an
 * ffmpeg left behind would keep its ports and its lock on the data folder, so
 * the next start would fail or split the media. On Linux, util-linux's
 * `setpriv --pdeathsig` has the kernel send `deathSignal` to the child the
 * moment its parent dies (PR_SET_PDEATHSIG, kept across the exec); the child
 * is otherwise spawned exactly as asked.
 */
export function spawnTied(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { deathSignal?: 'SIGKILL' | 'SIGTERM' },
): ChildProcess {
  const { deathSignal = 'SIGKILL', ...rest } = options;
  const wrapper = tiedWrapper();
  // A missing program is spawned as is, so it fails the usual way (an ENOENT
  // `error` event), not as the wrapper's exit code.
  return wrapper && findProgram(command, rest.env ?? process.env)
    ? spawn(wrapper, [`--pdeathsig=${deathSignal}`, '--', command, ...args], rest)
    : spawn(command, [...args], rest);
}

function findProgram(command: string, env: NodeJS.ProcessEnv): boolean {
  if (command.includes('/')) return existsSync(command);
  return (env['PATH'] ?? '').split(':').some((dir) => dir && existsSync(path.join(dir, command)));
}

let wrapper: string | null | undefined;
function tiedWrapper(): string | null {
  if (wrapper === undefined) {
    wrapper =
      process.platform === 'linux'
        ? (['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null)
        : null;
  }
  return wrapper;
}
