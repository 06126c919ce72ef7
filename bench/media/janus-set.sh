#!/usr/bin/env bash
# bench/media paired mode: starts Janus as JanusProcess would (`-F DIR -C
# DIR/janus.jcfg`), after applying the settings listed in DIR/bench-janus-settings
# (one `section.key=value` a line, written by paired.ts) to that generated,
# per-run janus.jcfg: a key already there gets the new value, another is added
# at the top of its section.
set -euo pipefail
config=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[$i]}" == "-C" ]]; then config="${args[$((i + 1))]:-}"; fi
done
[[ -f "$config" ]] || { echo "janus-set: no -C config file" >&2; exit 2; }
settings="$(dirname "$config")/bench-janus-settings"
if [[ -f "$settings" ]]; then
  while IFS= read -r line; do
    [[ -n "$line" ]] || continue
    section="${line%%.*}" rest="${line#*.}"
    key="${rest%%=*}" value="${rest#*=}"
    if grep -q "^[[:space:]]*${key} = " "$config"; then
      sed -i "s|^\([[:space:]]*\)${key} = .*|\1${key} = ${value}|" "$config"
    elif grep -q "^${section}: {" "$config"; then
      sed -i "0,/^${section}: {/s//${section}: {\n\t${key} = ${value}/" "$config"
    else
      echo "janus-set: no section ${section} in ${config}" >&2
      exit 2
    fi
  done <"$settings"
fi
exec janus "$@"
