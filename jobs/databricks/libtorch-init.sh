#!/usr/bin/env bash
# Databricks cluster init script: unpacks the Smart Tuner libtorch archive on every node (driver
# and workers) before Spark starts, so the job jar (which carries no libtorch) finds it offline
# through PYTORCH_LIBRARY_PATH. Set in the cluster's environment variables (spark_env_vars):
#   SMART_TUNER_LIBTORCH_ARCHIVE  the archive (smart-tuner libtorch-archive; a Volumes or /dbfs path)
#   PYTORCH_LIBRARY_PATH          where to unpack it, the folder the JVMs load libtorch from
#                                 (default /local_disk0/smart-tuner/libtorch)
# Safe to run twice: the folder is replaced only by a complete, checked copy.
set -euo pipefail

archive="${SMART_TUNER_LIBTORCH_ARCHIVE:-}"
dest="${PYTORCH_LIBRARY_PATH:-/local_disk0/smart-tuner/libtorch}"
say() { echo "libtorch-init: $*"; }
fail() { echo "libtorch-init: $*" >&2; exit 1; }

[[ -n "$archive" ]] || fail "SMART_TUNER_LIBTORCH_ARCHIVE is not set: add it to the cluster's environment variables (the path of the archive smart-tuner libtorch-archive wrote, e.g. /Volumes/main/smart_tuner/files/libtorch.tgz)"
[[ -f "$archive" ]] || fail "the libtorch archive $archive does not exist (or this node cannot read it)"
case "$dest" in
  /*) ;;
  *) fail "PYTORCH_LIBRARY_PATH=$dest must be an absolute folder on the node's local disk" ;;
esac

marker="smarttuner-libtorch.properties"
stamp=".unpacked-from-archive"   # written last: its time is when the copy was made
describe() { grep -E "^($1)=" "$dest/$marker" | paste -sd' ' -; }
if [[ -f "$dest/libtorch.so" && -f "$dest/$stamp" && ! "$archive" -nt "$dest/$stamp" ]]; then
  say "$dest already holds it ($(describe 'version|flavor'))"
  exit 0
fi
tmp="$dest.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
tar -xf "$archive" -C "$tmp" || fail "could not unpack $archive (a .tgz, .tar.gz or .tar from smart-tuner libtorch-archive?)"
[[ -f "$tmp/libtorch.so" && -f "$tmp/$marker" ]] || fail "$archive holds no libtorch.so and $marker: not a Smart Tuner libtorch archive"
echo "$archive" > "$tmp/$stamp"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
say "unpacked $archive to $dest ($(describe 'version|flavor|djl_version'))"
