/**
 * CPU profiles of the bench phases only, not of startup or token fetching:
 * each SIGUSR2 toggles the V8 sampling profiler of this process, and each
 * stop writes <dir>/phase-<n>.cpuprofile. Installed by the bench servers when
 * BENCH_PROFILE_DIR is set; run.ts sends the signals at the phase marks.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

export function installPhaseProfiler(dir: string | undefined): void {
  if (!dir) return;
  const session = new Session();
  session.connect();
  let running = false;
  let count = 0;
  // Signals can come faster than the inspector answers: handle them in order.
  let chain: Promise<void> = session.post('Profiler.enable');
  process.on('SIGUSR2', () => {
    chain = chain.then(async () => {
      if (!running) {
        running = true;
        await session.post('Profiler.start');
        return;
      }
      running = false;
      const { profile } = await session.post('Profiler.stop');
      count += 1;
      writeFileSync(path.join(dir, `phase-${count}.cpuprofile`), JSON.stringify(profile));
    });
  });
}
