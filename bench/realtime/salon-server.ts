/**
 * The Salon server as the bench runs it: the embedded default (SQLite,
 * in-process bus) built by the same createServer() as main.ts. Our own entry
 * so that logging can stay silent (a log line per request would be measured
 * too) while the URL still reaches the parent, as one JSON line on stdout.
 */
import { loadConfig } from '../../server/src/config.js';
import { createServer } from '../../server/src/server.js';
import { installPhaseProfiler } from './phase-profiler.js';

installPhaseProfiler(process.env['BENCH_PROFILE_DIR']);

// The saturation run shortens the aggregation window (a createServer option, not an env variable).
const windowMs = Number(process.env['BENCH_WINDOW_MS'] ?? 0);
const server = await createServer(loadConfig(process.env), windowMs > 0 ? { windowMs } : {});
const url = await server.start();
process.stdout.write(`${JSON.stringify({ url })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  const timer = setTimeout(() => process.exit(1), 10_000);
  timer.unref();
  server.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
