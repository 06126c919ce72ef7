/**
 * What a process costs, read from /proc (Linux): CPU time (user + system)
 * and resident memory. Reading /proc from the parent measures the server
 * without instrumenting it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Resident set size in bytes, 0 when the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

export interface Usage {
  seconds: number;
  cpuSeconds: number;
  /** CPU time as a share of one core over the interval, in percent. */
  cpuPercent: number;
  rssMaxBytes: number;
  rssEndBytes: number;
  /** CPU used by the whole machine over the interval, in percent of one core. */
  machinePercent: number;
}

/**
 * Measures one phase: CPU between start and stop, and the largest RSS seen by
 * sampling every 100 ms (the kernel's peak, VmHWM, would span all phases).
 */
export function measure(pid: number): { stop(): Usage } {
  const t0 = performance.now();
  const cpu0 = cpuSeconds(pid);
  const machine = machineMeter();
  let rssMax = rssBytes(pid);
  const timer = setInterval(() => {
    rssMax = Math.max(rssMax, rssBytes(pid));
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      const seconds = (performance.now() - t0) / 1000;
      const used = cpuSeconds(pid) - cpu0;
      const rssEnd = rssBytes(pid);
      return {
        seconds,
        cpuSeconds: used,
        cpuPercent: (used / seconds) * 100,
        rssMaxBytes: Math.max(rssMax, rssEnd),
        rssEndBytes: rssEnd,
        machinePercent: (machine.stop() / seconds) * 100,
      };
    },
  };
}

/** Busy and total CPU time of the whole machine so far, in clock ticks (all cores). */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idle! + iowait! };
}

/** CPU seconds the whole machine spends between two calls, for subtracting our own. */
export function machineMeter(): { stop(): number } {
  const start = machineTicks();
  return {
    stop: () => (machineTicks().busy - start.busy) / clockTicks,
  };
}

/**
 * Other sessions may share this machine; a bench next to a busy test suite
 * measures the suite. Waits (up to maxMs) until the machine is mostly idle
 * over one second; returns the busy share seen last, in percent of all cores.
 */
export async function waitForQuiet(maxMs: number, busyBelowPercent = 15): Promise<number> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    const a = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const b = machineTicks();
    const busy = ((b.busy - a.busy) / Math.max(1, b.total - a.total)) * 100;
    if (busy < busyBelowPercent || performance.now() > deadline) return busy;
  }
}
