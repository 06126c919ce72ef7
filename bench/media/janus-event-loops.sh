#!/usr/bin/env bash
# bench/media experiment (BENCH_MEDIA_JANUS_EVENT_LOOPS=N): starts Janus as
# JanusProcess would (`-F DIR -C DIR/janus.jcfg`), after adding
# `event_loops = N` to the general section of that generated, per-run config,
# so handles share N event-loop threads instead of one thread each.
set -euo pipefail
loops="${BENCH_MEDIA_JANUS_EVENT_LOOPS:?set BENCH_MEDIA_JANUS_EVENT_LOOPS}"
[[ "$loops" =~ ^[0-9]+$ ]] || { echo "janus-event-loops: bad count: $loops" >&2; exit 2; }
config=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[$i]}" == "-C" ]]; then config="${args[$((i + 1))]:-}"; fi
done
[[ -f "$config" ]] || { echo "janus-event-loops: no -C config file" >&2; exit 2; }
sed -i "0,/^general: {/s//general: {\n\tevent_loops = ${loops}/" "$config"
exec janus "$@"
