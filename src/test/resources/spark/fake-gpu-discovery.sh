#!/usr/bin/env bash
# TEST ONLY: a GPU discovery script for machines without GPUs. Prints the addresses given as
# arguments, or else in FAKE_GPU_ADDRESSES (comma-separated), as Spark expects.
set -uo pipefail
if [[ $# -gt 0 ]]; then
  list="$*"
else
  list="${FAKE_GPU_ADDRESSES:-}"
fi
list="${list// /,}"
if [[ -z "$list" ]]; then
  echo "fake-gpu-discovery.sh: no addresses: pass them as arguments or in FAKE_GPU_ADDRESSES (e.g. 0,1)" >&2
  exit 1
fi
out=""
IFS=',' read -ra parts <<< "$list"
for a in "${parts[@]}"; do
  [[ -z "$a" ]] && continue
  out+="${out:+,}\"$a\""
done
echo "{\"name\":\"gpu\",\"addresses\":[$out]}"
