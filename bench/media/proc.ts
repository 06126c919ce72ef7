/**
 * What a process costs, read from /proc (Linux) without instrumenting it:
 * CPU ticks (utime + stime) of the process and of each of its threads,
 * context switches, per-core busy time of the machine; and CPU pinning.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields after the command name of a /proc stat line (the name may hold spaces). */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU time of the whole process so far, in ms. */
export function cpuMs(pid: number): number {
  const fields = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1000;
}

export interface ThreadSample {
  tid: number;
  name: string;
  cpuMs: number;
  switches: number;
}

/** Every thread of the process: name, CPU so far, context switches so far. */
export function threads(pid: number): ThreadSample[] {
  const out: ThreadSample[] = [];
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = statFields(stat);
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      const count = (key: string) =>
        Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
      out.push({
        tid: Number(tid),
        name,
        cpuMs: ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1000,
        switches: count('voluntary_ctxt_switches') + count('nonvoluntary_ctxt_switches'),
      });
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return out;
}

export interface CoreTicks {
  /** Running anything of this machine (user, nice, system, irq, softirq). */
  busy: number;
  /** Wanted to run, but the hypervisor ran someone else's VM (a shared host). */
  steal: number;
  total: number;
}

/** Ticks per core (cpu0, cpu1, …) of the whole machine so far. */
export function coreTicks(): CoreTicks[] {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const out: CoreTicks[] = [];
  for (const line of lines) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = match[2]!
      .trim()
      .split(/\s+/)
      .map(Number) as number[];
    const busy = user! + nice! + system! + irq! + softirq!;
    out[Number(match[1])] = { busy, steal: steal!, total: busy + steal! + idle! + iowait! };
  }
  return out;
}

export interface CoreUse {
  /** Percent of the interval this core ran something of this machine. */
  busy: number;
  /** Percent of the interval stolen by the hypervisor. */
  steal: number;
}

/** Per-core use between two coreTicks() readings. */
export function coreUse(before: CoreTicks[], after: CoreTicks[]): CoreUse[] {
  return after.map((a, i) => {
    const b = before[i] ?? { busy: 0, steal: 0, total: 0 };
    const total = Math.max(1, a.total - b.total);
    return { busy: ((a.busy - b.busy) / total) * 100, steal: ((a.steal - b.steal) / total) * 100 };
  });
}

/**
 * Pins every thread of `pid` (now; new threads inherit) to `core`. `taskset
 * -a` fails when a thread ends while it walks them (Janus ends threads as
 * handles go), so it is retried, then done thread by thread, skipping the
 * ones that are gone.
 */
export function pinAllThreads(pid: number, core: number): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      execFileSync('taskset', ['-a', '-c', '-p', String(core), String(pid)], { stdio: 'ignore' });
      return;
    } catch {
      // a thread ended mid-walk: try again
    }
  }
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      execFileSync('taskset', ['-c', '-p', String(core), tid], { stdio: 'ignore' });
    } catch {
      // gone
    }
  }
}

/** The cores each thread of `pid` may run on, as taskset prints them (for the report). */
export function affinity(pid: number): string {
  try {
    const out = execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
    return out.trim().split(': ').at(-1) ?? '?';
  } catch {
    return '?';
  }
}

/**
 * Other sessions may share this machine. Waits (up to maxMs) until the CPU
 * used by everything except `ours` (our own processes) stays under
 * `busyBelowPercent` of all cores over one second; returns that share.
 */
export async function waitForQuiet(
  maxMs: number,
  ours: number[],
  busyBelowPercent = 15,
): Promise<number> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    const othersShare = await othersBusy(1000, ours);
    if (othersShare < busyBelowPercent || performance.now() > deadline) return othersShare;
  }
}

/** CPU used over `ms` by everything except `ours`, in percent of all cores. */
export async function othersBusy(ms: number, ours: number[]): Promise<number> {
  const ownCpu = () => ours.reduce((sum, pid) => sum + safeCpuMs(pid), 0);
  const a = coreTicks();
  const own0 = ownCpu();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = coreTicks();
  const ownUsed = ownCpu() - own0;
  const wall = performance.now() - t0;
  const cores = Math.max(1, b.length);
  const busyMs =
    b.reduce((sum, x, i) => sum + (x.busy - (a[i]?.busy ?? 0)), 0) * (1000 / CLOCK_TICKS);
  return Math.max(0, ((busyMs - ownUsed) / (wall * cores)) * 100);
}

/** cpuMs(), or 0 for a process that is gone. */
export function safeCpuMs(pid: number): number {
  try {
    return cpuMs(pid);
  } catch {
    return 0;
  }
}

/** UDP counters of this network namespace (/proc/net/snmp): drops show up here. */
export function udpCounters(): { rcvbufErrors: number; sndbufErrors: number; inErrors: number } {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('Udp:'));
    const keys = lines[0]?.split(/\s+/) ?? [];
    const values = lines[1]?.split(/\s+/).map(Number) ?? [];
    const get = (key: string) => values[keys.indexOf(key)] ?? 0;
    return {
      rcvbufErrors: get('RcvbufErrors'),
      sndbufErrors: get('SndbufErrors'),
      inErrors: get('InErrors'),
    };
  } catch {
    return { rcvbufErrors: 0, sndbufErrors: 0, inErrors: 0 };
  }
}
