#!/usr/bin/env bash
# Spark GPU discovery script (spark.{driver,executor,worker}.resource.gpu.discoveryScript):
# prints {"name":"gpu","addresses":["0","1",...]} from nvidia-smi's GPU indices.
set -uo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi is not on PATH: this machine has no NVIDIA driver, so no GPU to offer" >&2
  exit 1
fi
if ! out="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"; then
  echo "gpu-discovery.sh: nvidia-smi failed: $out" >&2
  exit 1
fi
addresses=""
while IFS= read -r line; do
  idx="${line//[[:space:]]/}"
  [[ -z "$idx" ]] && continue
  if [[ ! "$idx" =~ ^[0-9]+$ ]]; then
    echo "gpu-discovery.sh: unexpected nvidia-smi output line '$line' (expected a GPU index)" >&2
    exit 1
  fi
  addresses+="${addresses:+,}\"$idx\""
done <<< "$out"
if [[ -z "$addresses" ]]; then
  echo "gpu-discovery.sh: nvidia-smi lists no GPU" >&2
  exit 1
fi
echo "{\"name\":\"gpu\",\"addresses\":[$addresses]}"
