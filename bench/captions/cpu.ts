/**
 * CPU of the Salon node under test, from /proc, whatever shape the captions
 * engine has (children run once per utterance, a long-lived worker, ffmpeg
 * decoders): this process and every descendant of it except the bench's own
 * peer processes (and theirs), grouped by command name, plus what reaped
 * children spent (a process that ended during the phase). `nodeCpu` taken at
 * the start and end of a phase gives what each part spent in it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { CLOCK_TICKS } from '../media/proc.js';

interface Stat {
  pid: number;
  ppid: number;
  name: string;
  /** utime + stime, seconds. */
  cpu: number;
  /** cutime + cstime: reaped children, seconds. */
  reaped: number;
}

function stat(pid: number | 'self'): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      pid: Number(text.slice(0, text.indexOf(' '))),
      ppid: Number(f[1]),
      name,
      cpu: (Number(f[11]) + Number(f[12])) / CLOCK_TICKS,
      reaped: (Number(f[13]) + Number(f[14])) / CLOCK_TICKS,
    };
  } catch {
    return undefined; // gone
  }
}

export interface NodeCpu {
  /** Seconds per process of the node, by pid (live ones). */
  byPid: Map<number, { name: string; cpu: number }>;
  /** This process's reaped children (the peers are alive until the end, so not in it). */
  reaped: number;
  at: number;
}

/** This process and its descendants, minus the subtrees of `exclude` (the bench's peer processes). */
export function nodeCpu(exclude: number[]): NodeCpu {
  const all: Stat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s) all.push(s);
  }
  const self = stat('self');
  const byPid = new Map<number, { name: string; cpu: number }>();
  if (!self) return { byPid, reaped: 0, at: performance.now() };
  byPid.set(self.pid, { name: SELF, cpu: self.cpu });
  const skip = new Set(exclude);
  let frontier = [self.pid];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const s of all)
      if (frontier.includes(s.ppid) && !skip.has(s.pid)) {
        byPid.set(s.pid, { name: s.name, cpu: s.cpu });
        next.push(s.pid);
      }
    frontier = next;
  }
  return { byPid, reaped: self.reaped, at: performance.now() };
}

/** CPU seconds spent between two readings, by command name (`reaped children` for the ended ones). */
export function spent(before: NodeCpu, after: NodeCpu): Map<string, number> {
  const out = new Map<string, number>();
  const add = (name: string, s: number) => out.set(name, (out.get(name) ?? 0) + s);
  for (const [pid, a] of after.byPid) add(a.name, a.cpu - (before.byPid.get(pid)?.cpu ?? 0));
  // A process that ended in between: its whole life is in the reaped total, so take off what it had spent before.
  let endedBefore = 0;
  for (const [pid, b] of before.byPid) if (!after.byPid.has(pid)) endedBefore += b.cpu;
  add('reaped children', after.reaped - before.reaped - endedBefore);
  return out;
}

export function total(spentByName: Map<string, number>): number {
  let sum = 0;
  for (const s of spentByName.values()) sum += s;
  return sum;
}

const SELF = 'salon node (Node)';
/** Not the captions': Janus, and tsx's esbuild service. */
const OTHERS = new Set([SELF, 'janus', 'esbuild']);

/**
 * Of what spent() found: the ffmpeg decoders, and the engine (every other
 * child: pocketsphinx runs, reaped or live, or an engine's worker process).
 */
export function captionsCpu(spentByName: Map<string, number>): {
  decoders: number;
  engine: number;
} {
  let decoders = 0;
  let engine = 0;
  for (const [name, s] of spentByName) {
    if (name === 'ffmpeg') decoders += s;
    else if (!OTHERS.has(name)) engine += s;
  }
  return { decoders, engine };
}

/** CPU seconds of the captions' processes so far (captionsCpu of everything spent since the start). */
export function captionsCpuSoFar(exclude: number[] = []): { decoders: number; engine: number } {
  return captionsCpu(spent({ byPid: new Map(), reaped: 0, at: 0 }, nodeCpu(exclude)));
}

/** CPU seconds of one live process (0 once it is gone). */
export function processCpu(pid: number): number {
  return stat(pid)?.cpu ?? 0;
}
