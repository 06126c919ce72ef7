/**
 * A V8 CPU profile (node --cpu-prof) boiled down to where the time went: the
 * functions with the most self time, and the same grouped by package or
 * source file, as markdown. Enough to point at a cost without opening
 * DevTools.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './children.js';

interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

function where(url: string, line: number): string {
  const file = url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
  return file ? `${file}:${line + 1}` : '';
}

/** node_modules/<pkg> or the source file: who to blame for a group of functions. */
function owner(url: string): string {
  const file = url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
  if (pkg) return pkg;
  if (file.startsWith('node:')) return file;
  return file || '(native / V8)';
}

/** Every phase profile in `dir` (phase-1 is the join, then fan-out, then events). */
export function summarizeProfiles(dir: string, names: string[], top = 20): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort();
  if (files.length === 0) return '_no profile written_';
  return files
    .map((f, i) => `### ${names[i] ?? f}\n\n${summarizeProfile(path.join(dir, f), top)}`)
    .join('\n\n');
}

export function summarizeProfile(file: string, top = 20): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    // Idle time says nothing about costs; shares are of the busy samples.
    if (hits === 0 || node.callFrame.functionName === '(idle)') continue;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} | ${where(url, lineNumber)}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    const group = functionName.startsWith('(') ? functionName : owner(url);
    byOwner.set(group, (byOwner.get(group) ?? 0) + hits);
  }
  const table = (map: Map<string, number>, head: string) =>
    [
      head,
      ...[...map]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([key, hits]) => `| ${((hits / total) * 100).toFixed(1)} % | ${key} |`),
    ].join('\n');
  return [
    `Profile: ${path.relative(ROOT, file)}`,
    '',
    table(byOwner, '| self (busy) | package or file |\n|---|---|'),
    '',
    table(byFunction, '| self (busy) | function | location |\n|---|---|---|'),
  ].join('\n');
}
