#!/usr/bin/env bash
# FFMPEG_PATH for bench/hls-player: runs the packager's own ffmpeg command with
# one more output in its tee, the live playlist as it was before issue 13
# (1 s segments, 6 in the list) in base/, so the baseline and Salon's current
# live playlist come from the same encode of the same mix, in the same run.
# Other ffmpeg runs (clips, probes) pass through unchanged.
set -euo pipefail
args=("$@")
last=$((${#args[@]} - 1))
if [[ $last -ge 1 && "${args[$((last - 1))]}" == tee ]]; then
  mkdir -p base
  args[last]="${args[last]}|[f=hls:hls_time=1:hls_flags=program_date_time+temp_file+delete_segments:hls_list_size=6:hls_segment_filename=base/b%06d.ts]base/index.m3u8"
fi
exec ffmpeg "${args[@]}"
