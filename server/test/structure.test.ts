import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

/**
 * The layout rules of docs/architecture.md ("Rings"), read from the source:
 * who may import http/, which import cycles may exist, and how long a file
 * may grow.
 */
const root = path.resolve(import.meta.dirname, '../..');
const serverSrc = path.join(root, 'server/src');
const webSrc = path.join(root, 'web/src');

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

/** Source files of server/src (tests beside the code included), relative to it. */
const sources = walk(serverSrc)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => path.relative(serverSrc, file));

/**
 * Static imports (`import … from`, `export … from`, `import '…'`) and
 * `import('…')`, type-only ones too. The names between `import` and `from`
 * never hold a quote, so the first quoted string after them is the module.
 */
const IMPORT_PATTERNS = [
  /^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** The server/src files a file imports, relative to server/src. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(serverSrc, file), 'utf8');
  const specs = IMPORT_PATTERNS.flatMap((pattern) =>
    [...text.matchAll(pattern)].map((match) => match[1] ?? ''),
  );
  return specs
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '.ts'))
    .filter((target) => !target.startsWith('..'));
}

const graph = new Map(sources.map((file) => [file, importsOf(file)]));

/**
 * The HTTP adapter, which may import http/: route files (`routes.ts`,
 * `routes.*.ts`, `*-routes.ts`), the HTTP request and response schemas
 * (`schemas.ts`), and the composition root (`server.ts`). The WebSocket
 * transport shares the pages' origin policy (CSRF) and nothing else.
 */
function isRouteFile(file: string): boolean {
  const base = path.basename(file);
  return /^routes(\..+)?\.ts$/.test(base) || base.endsWith('-routes.ts');
}

function mayImportHttp(file: string, target: string): boolean {
  const base = path.basename(file);
  if (file === 'server.ts') return true;
  if (isRouteFile(file)) return true;
  if (base === 'schemas.ts') return true;
  return file.startsWith('realtime/') && target === 'http/origin.ts';
}

test('no file outside the HTTP adapter imports http/', () => {
  const offences: string[] = [];
  for (const [file, targets] of graph) {
    if (file.startsWith('http/')) continue;
    for (const target of targets) {
      if (target.startsWith('http/') && !mayImportHttp(file, target))
        offences.push(`${file} imports ${target}`);
    }
  }
  assert.deepEqual(offences, []);
});

/** Strongly connected components of more than one file (Tarjan). */
function cycles(edges: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

/**
 * A parent and its children: one file of the cycle has every other one in
 * its folder or below it (a model and its parts, a migrator and its
 * migrations, a session and the handles it owns). A file at the top of
 * server/src (services.ts, config.ts) is nobody's parent: the whole tree is
 * below it.
 */
function isParentAndChildren(component: string[]): boolean {
  return component.some((parent) => {
    const folder = path.dirname(parent);
    return (
      folder !== '.' && component.every((file) => file === parent || file.startsWith(`${folder}/`))
    );
  });
}

/** Kysely's query builders and raw SQL: what a route must leave to its domain's queries. */
const SQL_PATTERN =
  /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql`/;

test('route files run no SQL: their domain services and queries do', () => {
  const routeFiles = sources.filter((file) => isRouteFile(file) && !file.endsWith('.test.ts'));
  assert.ok(routeFiles.length > 10, 'the route files were found');
  const offences = routeFiles.filter((file) =>
    SQL_PATTERN.test(readFileSync(path.join(serverSrc, file), 'utf8')),
  );
  assert.deepEqual(offences, []);
  // The pattern is not vacuous.
  assert.ok(SQL_PATTERN.test("await db.selectFrom('spaces')"));
});

test('no import cycle joins files other than a parent and its children', () => {
  const all = cycles(graph);
  assert.deepEqual(
    all.filter((component) => !isParentAndChildren(component)),
    [],
  );
  // The rule is not vacuous: a cycle across folders would be caught.
  assert.equal(isParentAndChildren(['spaces/service.ts', 'social/service.ts']), false);
  assert.equal(isParentAndChildren(['db/database.ts', 'db/migrations/index.ts']), true);
  assert.equal(isParentAndChildren(['services.ts', 'clips/posts.ts']), false);
});

/**
 * The composition root and the HTTP adapter: they may import the hubs
 * (services.ts, config.ts), as they are imported by nothing in a domain.
 */
function isAdapter(file: string): boolean {
  return (
    file === 'server.ts' ||
    file === 'main.ts' ||
    file.startsWith('http/') ||
    isRouteFile(file) ||
    path.basename(file) === 'schemas.ts'
  );
}

/** A file's node in the folder graph: its top folder, or the file itself at the top of server/src. */
const nodeOf = (file: string) => file.split('/')[0] ?? file;

/**
 * Imports into a hub from a domain folder that still make a folder cycle,
 * each waiting for its fix. The list may only shrink; it is empty now
 * (startMedia takes media/index.ts's StartMediaSettings, not Config).
 */
const KNOWN_HUB_EDGES = new Set<string>();

const HUBS = ['services.ts', 'config.ts'];

test('services.ts and config.ts are in no folder-level import cycle (the adapter aside)', () => {
  const folders = new Map<string, Set<string>>();
  const used = new Set<string>();
  for (const [file, targets] of graph) {
    if (isAdapter(file) || file.endsWith('.test.ts')) continue;
    const from = nodeOf(file);
    const edges = folders.get(from) ?? new Set<string>();
    folders.set(from, edges);
    for (const target of targets) {
      if (KNOWN_HUB_EDGES.has(`${file} -> ${target}`)) {
        used.add(`${file} -> ${target}`);
        continue;
      }
      if (nodeOf(target) !== from) edges.add(nodeOf(target));
    }
  }
  const edges = new Map([...folders].map(([node, to]) => [node, [...to]]));
  assert.deepEqual(
    cycles(edges).filter((component) => HUBS.some((hub) => component.includes(hub))),
    [],
  );
  assert.deepEqual(
    [...KNOWN_HUB_EDGES].filter((edge) => !used.has(edge)),
    [],
    'a known hub import is gone: take it off KNOWN_HUB_EDGES',
  );
  // The rule is not vacuous: both hubs are in the graph, and a domain importing one is a cycle.
  for (const hub of HUBS) assert.ok(edges.has(hub), hub);
  const withBack = new Map(edges);
  withBack.set('tickets', [...(edges.get('tickets') ?? []), 'config.ts']);
  assert.ok(cycles(withBack).some((component) => component.includes('config.ts')));
});

/** The infrastructure: what the domain folders build on, which imports none of them. */
const INFRASTRUCTURE = ['bus', 'db', 'util', 'streams'];

test('bus/, db/, util/ and streams/ import no domain folder (only each other and errors.ts)', () => {
  const offences: string[] = [];
  for (const [file, targets] of graph) {
    if (!INFRASTRUCTURE.includes(nodeOf(file)) || file.endsWith('.test.ts')) continue;
    for (const target of targets)
      if (!INFRASTRUCTURE.includes(nodeOf(target)) && target !== 'errors.ts')
        offences.push(`${file} imports ${target}`);
  }
  assert.deepEqual(offences, []);
  // The rule is not vacuous: each folder is there, with files that import.
  for (const folder of INFRASTRUCTURE)
    assert.ok(
      sources.some((file) => nodeOf(file) === folder),
      `${folder}/ has source files`,
    );
});

test('media/ and hls/ do not import each other (what both need is in streams/)', () => {
  const offences: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      if (
        (file.startsWith('media/') && target.startsWith('hls/')) ||
        (file.startsWith('hls/') && target.startsWith('media/'))
      )
        offences.push(`${file} imports ${target}`);
    }
  }
  assert.deepEqual(offences, []);
});

const MAX_LINES = 500;

/**
 * Files over the limit today, each waiting for its split (issue 17). The list
 * may only shrink: a file not on it may not pass the limit, and a file on it
 * that is back under the limit must leave it.
 */
const KNOWN_LONG = new Set<string>();

test(`no file in server/src or web/src is over ${MAX_LINES} lines, but for the known ones`, () => {
  const long: string[] = [];
  for (const file of [...walk(serverSrc), ...walk(webSrc)]) {
    const lines = readFileSync(file, 'utf8').split('\n').length - 1;
    if (lines > MAX_LINES) long.push(path.relative(root, file));
  }
  assert.deepEqual(
    long.filter((file) => !KNOWN_LONG.has(file)),
    [],
    'a file passed the limit: split it',
  );
  assert.deepEqual(
    [...KNOWN_LONG].filter((file) => !long.includes(file)),
    [],
    'a known long file is now short enough (or gone): take it off KNOWN_LONG',
  );
});
