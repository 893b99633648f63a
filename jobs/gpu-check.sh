#!/usr/bin/env bash
# One-shot GPU check for the first machine with a GPU (jobs/gpu-check.sh --help).
set -uo pipefail

usage() {
  cat <<'USAGE'
Usage: jobs/gpu-check.sh --build [--bundle FILE]          (here: needs the runnable layout and jlink)
       jobs/gpu-check.sh [--bundle FILE] [--out DIR] [--device cuda|cpu] [--libtorch DIR] [--quick]
                                                         (there: needs python3 with torch; no Java)

--build packs what the check needs into one file (default target/gpu-check.tar.xz, about 45 MB):
a jlink'ed Java runtime, the trainer's jars only (no Spark), and DJL's JNI libraries.

The check, in under 8 minutes:
  1. the machine: nvidia-smi, python3's torch and the GPU it sees
  2. the anchor: NVIDIA's Tacotron2 in PyTorch (src/test/python/nvidia_tacotron2.py), teacher-forced
     training steps at LJSpeech-like lengths (110 tokens, 580 frames, r = 1), full preset at batch
     64 and 128 and small preset at batch 64, TF32 on: ms/step, mel frames/s, peak GPU memory
  3. the trainer through DJL (org.smarttuner.tts.train.GpuCheck, no Spark): what DJL sees, the same
     throughput figures, and 2 short trials through the executor's entry point. It needs a libtorch
     that one of DJL's JNI libraries was built for (2.7.1 here); --libtorch DIR gives one (an
     unpacked smart-tuner libtorch-archive), else python3's torch is tried only when its version
     matches, and the check says why it skipped this part otherwise.
Writes DIR/gpu-check.json (default $OUT, else ./gpu-check-out) and prints a summary.

  --bundle FILE   the packed bundle (default target/gpu-check.tar.xz)
  --out DIR       where the JSON, logs and work files go
  --device D      cuda (default) or cpu (a rehearsal on a machine without a GPU)
  --libtorch DIR  a libtorch lib/ folder for the DJL part (default: python3's torch/lib if it matches)
  --quick         fewer steps and smaller batches (a rehearsal)
  --no-anchor     leave out part 2
USAGE
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="$here/target/gpu-check.tar.xz"
out="${OUT:-$PWD/gpu-check-out}"
device=cuda
libtorch=""
quick=false
build=false
anchor=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --build) build=true; shift ;;
    --bundle) bundle="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --device) device="$2"; shift 2 ;;
    --libtorch) libtorch="$2"; shift 2 ;;
    --quick) quick=true; shift ;;
    --no-anchor) anchor=false; shift ;;
    *) echo "gpu-check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$device" in cuda|cpu) ;; *) echo "gpu-check: --device is cuda or cpu, got '$device'" >&2; exit 2 ;; esac

# Jars the trainer needs without Spark (checked by GpuCheckBundleTest against a real run).
TRAINER_JARS=(api- pytorch-engine- jna- gson- commons-compress- slf4j-api- log4j-api- log4j-core- log4j-slf4j2-impl-
              jackson-annotations- jackson-core- jackson-databind- jackson-dataformat-yaml- snakeyaml- picocli-
              commons-math3-)
JLINK_MODULES=java.base,java.desktop,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported

if $build; then
  layout="$here/target/smart-tuner"
  [[ -f "$layout/smart-tuner.jar" ]] || { echo "gpu-check: no runnable layout at $layout: run mvn -B package -DskipTests" >&2; exit 2; }
  jlink_bin="${JAVA_HOME:+$JAVA_HOME/bin/}jlink"
  command -v "$jlink_bin" >/dev/null || { echo "gpu-check: jlink not found (a full JDK 17+ is needed to --build)" >&2; exit 2; }
  stage="$here/target/gpu-check"
  rm -rf "$stage" && mkdir -p "$stage/lib" "$stage/jni"
  "$jlink_bin" --add-modules "$JLINK_MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
    --output "$stage/jre" || exit 1
  cp "$layout/smart-tuner.jar" "$stage/lib/"
  for prefix in "${TRAINER_JARS[@]}"; do
    jar=$(ls "$layout/lib/$prefix"[0-9]*.jar 2>/dev/null | head -1)
    [[ -n "$jar" ]] || { echo "gpu-check: no $prefix*.jar in $layout/lib" >&2; exit 1; }
    cp "$jar" "$stage/lib/"
  done
  # DJL's JNI libraries, each with the libtorch version it was built for.
  jni_jar=$(ls "$layout/lib/"pytorch-jni-*.jar | head -1)
  jni_version=$(unzip -p "$jni_jar" jnilib/pytorch.properties | sed -n 's/^jni_version=//p')
  for flavor in $(unzip -Z1 "$jni_jar" | sed -n 's|^jnilib/linux-x86_64/\([^/]*\)/libdjl_torch.so$|\1|p'); do
    mkdir -p "$stage/jni/$flavor"
    unzip -p "$jni_jar" "jnilib/linux-x86_64/$flavor/libdjl_torch.so" > "$stage/jni/$flavor/libdjl_torch.so"
  done
  echo "$jni_version" > "$stage/jni/jni_version"
  mkdir -p "$(dirname "$bundle")"
  tar -C "$here/target" -cf - gpu-check | xz -T0 -6 > "$bundle.tmp" && mv "$bundle.tmp" "$bundle" || exit 1
  echo "gpu-check: wrote $bundle ($(du -m "$bundle" | cut -f1) MB; runtime $(du -sm "$stage/jre" | cut -f1) MB, jars $(du -sm "$stage/lib" | cut -f1) MB, JNI $jni_version: $(ls "$stage/jni" | grep -v jni_version | tr '\n' ' '))"
  exit 0
fi

start=$(date +%s)
mkdir -p "$out"
log="$out/gpu-check.log"
: > "$log"
say() { echo "gpu-check: $*" | tee -a "$log"; }
left() { echo $(( 480 - ($(date +%s) - start) )); }
py=python3
command -v "$py" >/dev/null || { say "no python3 here"; exit 1; }

say "1/3 the machine"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader > "$out/nvidia-smi.txt" 2>&1
else
  echo "no nvidia-smi on this machine" > "$out/nvidia-smi.txt"
fi
"$py" - "$out/machine.json" "$device" <<'PY' 2>>"$log"
import json, os, platform, sys
import torch
m = {"python": platform.python_version(), "torch": torch.__version__, "torch_cuda": torch.version.cuda,
     "cudnn": torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None,
     "cuda_available": torch.cuda.is_available(), "torch_lib": os.path.join(os.path.dirname(torch.__file__), "lib"),
     "cpus": os.cpu_count()}
if torch.cuda.is_available():
    p = torch.cuda.get_device_properties(0)
    m.update(gpu=p.name, compute_capability=f"{p.major}.{p.minor}", gpu_memory_mib=p.total_memory // 1048576,
             multiprocessors=p.multi_processor_count)
json.dump(m, open(sys.argv[1], "w"), indent=2)
if sys.argv[2] == "cuda" and not torch.cuda.is_available():
    sys.exit("python3's torch sees no GPU")
PY
[[ $? -eq 0 ]] || { say "python3's torch is missing or sees no GPU (see $log)"; exit 1; }
cat "$out/nvidia-smi.txt" | tee -a "$log"

say "2/3 the anchor: NVIDIA's Tacotron2 in PyTorch"
if $quick; then steps=(--warmup 1 --steps 2); big="4,8"; small=4; tok=30; frames=60; else
  steps=(--warmup 3 --steps 8); big="64,128"; small=64; tok=110; frames=580; fi
pydev=$([[ $device == cuda ]] && echo cuda || echo cpu)
if $anchor; then ( cd "$here/src/test/python" && timeout $(( $(left) / 2 )) "$py" tacotron2_small_bench.py --device "$pydev" \
    --preset full --batch-size "$big" --tokens $tok --frames $frames --tf32 on "${steps[@]}" \
    --json "$out/anchor-full.json" && \
  timeout $(( $(left) / 3 )) "$py" tacotron2_small_bench.py --device "$pydev" --preset small --batch-size $small \
    --tokens $tok --frames $frames --tf32 on "${steps[@]}" --json "$out/anchor-small.json" ) >>"$log" 2>&1 \
  || say "the anchor did not finish (see $log)"; fi

say "3/3 the trainer through DJL"
work="$out/djl"
rm -rf "$work" && mkdir -p "$work"
djl_reason=""
if [[ ! -f "$bundle" ]]; then
  djl_reason="no bundle at $bundle (build it with jobs/gpu-check.sh --build on a machine with a JDK)"
else
  "$py" -c "import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$bundle" "$work" 2>>"$log" \
    || djl_reason="could not unpack $bundle"
fi
if [[ -z "$djl_reason" ]]; then
  jni_version=$(cat "$work/gpu-check/jni/jni_version")      # e.g. 2.7.1-0.36.0
  jni_torch=${jni_version%%-*}
  djl_version=${jni_version#*-}
  if [[ -n "$libtorch" ]]; then
    torch_lib="$(cd "$libtorch" && pwd)"
    marker="$torch_lib/smarttuner-libtorch.properties"
    torch_version=$(sed -n 's/^version=//p' "$marker" 2>/dev/null | cut -d- -f1)
    [[ -n "$torch_version" ]] || torch_version="$jni_torch"
  else
    torch_lib=$("$py" -c "import json;print(json.load(open('$out/machine.json'))['torch_lib'])")
    torch_version=$("$py" -c "import json;print(json.load(open('$out/machine.json'))['torch'].split('+')[0])")
  fi
  if [[ "${torch_version%.*}" != "${jni_torch%.*}" ]]; then
    djl_reason="DJL's JNI libraries in this bundle (pytorch-jni $jni_version) are built for libtorch $jni_torch, and the libtorch here is $torch_version ($torch_lib). A JNI library loaded on another libtorch minor version fails at its first tensor call (seen with libtorch 2.13: SIGSEGV in torchSizes), so the DJL part is not run. A cluster needs the libtorch archive of this build on its executors (smart-tuner libtorch-archive; -Pcuda for CUDA: libtorch 2.5.1 cu124 with its JNI), passed with jobs/tune.sh --libtorch or jobs/databricks/libtorch-init.sh; here, --libtorch DIR gives the check such a folder."
  elif [[ ! -x "$work/gpu-check/jre/bin/java" ]]; then
    djl_reason="the bundle's Java runtime does not run here"
  fi
fi
if [[ -z "$djl_reason" ]]; then
  if [[ -f "$torch_lib/libdjl_torch.so" ]]; then
    jni_flavor=$(sed -n 's/^flavor=//p' "$torch_lib/smarttuner-libtorch.properties" 2>/dev/null)
  elif ls "$torch_lib"/libtorch_cuda.so >/dev/null 2>&1; then
    jni_flavor=$(ls "$work/gpu-check/jni" | grep '^cu' | sort | tail -1)
  else
    jni_flavor=cpu
  fi
  cache="$work/djl-cache"
  if [[ ! -f "$torch_lib/libdjl_torch.so" ]]; then
    # DJL looks for its JNI library in its cache folder for <version>-<flavor>-<classifier>
    mkdir -p "$cache/pytorch/$torch_version-$jni_flavor-linux-x86_64"
    cp "$work/gpu-check/jni/$jni_flavor/libdjl_torch.so" \
       "$cache/pytorch/$torch_version-$jni_flavor-linux-x86_64/$djl_version-libdjl_torch.so"
  fi
  if $quick; then jargs=(--batches 4,8 --small-batch 4 --tokens 30 --frames 60 --warmup 1 --steps 2 --trial-epochs 1); else
    jargs=(--batches 64,128 --small-batch 64 --tokens 110 --frames 580 --warmup 3 --steps 8 --trial-epochs 3); fi
  jdev=$([[ $device == cuda ]] && echo gpu:0 || echo cpu)
  ( cd "$work" && PYTORCH_LIBRARY_PATH="$torch_lib" PYTORCH_VERSION="$torch_version" PYTORCH_FLAVOR="$jni_flavor" \
      PYTORCH_LIBRARY_EXCLUSION=libtorch_python.so,libshm.so,libtorchbind_test.so,libjitbackend_test.so,libbackend_with_compiler.so,libaoti_custom_ops.so \
      DJL_CACHE_DIR="$cache" timeout "$(( $(left) - 10 ))" gpu-check/jre/bin/java -Dai.djl.offline=true -Xmx8g \
      -cp "gpu-check/lib/*" org.smarttuner.tts.train.GpuCheck --device "$jdev" --out "$out/djl.json" \
      --work "$work/run" "${jargs[@]}" ) >>"$log" 2>&1
  rc=$?
  [[ $rc -eq 0 ]] || djl_reason="the DJL part exited with $rc (see $log)"
fi

elapsed=$(( $(date +%s) - start ))
"$py" - "$out" "$elapsed" "$djl_reason" <<'PY'
import json, os, sys
out, elapsed, reason = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def load(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else None
summary = {
    "seconds": elapsed,
    "machine": load("machine.json"),
    "nvidia_smi": open(os.path.join(out, "nvidia-smi.txt")).read().strip(),
    "anchor_pytorch": {"full": load("anchor-full.json"), "small": load("anchor-small.json")},
    "djl": load("djl.json"),
    "djl_skipped": reason or None,
    "nvidia_published_mels_per_s": {
        "source": "NVIDIA DeepLearningExamples, PyTorch/SpeechSynthesis/Tacotron2 README, training performance, 1 GPU",
        "V100 16GB FP32 batch 64": 12933, "V100 16GB AMP batch 128": 20992,
        "A100 TF32 (as quoted in issue 19)": 31499, "A100 AMP (as quoted in issue 19)": 26484},
}
json.dump(summary, open(os.path.join(out, "gpu-check.json"), "w"), indent=2)
print(f"gpu-check: {elapsed} s in all; summary in {os.path.join(out, 'gpu-check.json')}")
m = summary["machine"] or {}
print(f"  machine: {m.get('gpu', 'no GPU')} {m.get('compute_capability', '')}, torch {m.get('torch')}, CUDA {m.get('torch_cuda')}, cuDNN {m.get('cudnn')}")
for part, data in (("anchor (PyTorch)", summary["anchor_pytorch"]["full"]), ("anchor (PyTorch)", summary["anchor_pytorch"]["small"])):
    for r in (data or {}).get("results", []):
        print(f"  {part} {r['preset']} b{r['batch']}: {r['ms_per_step_median']:.1f} ms/step, {r['mel_frames_per_s']} mel frames/s, GPU peak {r.get('gpu_peak_allocated_mib', '-')} MiB")
d = summary["djl"] or {}
for r in d.get("throughput", []):
    print(f"  DJL {r['preset']} b{r['batch']}: " + (f"{r['ms_per_step_median']:.1f} ms/step, {r['mel_frames_per_s']} mel frames/s, GPU in use {r.get('gpu_memory_mib')} MiB" if "error" not in r else r["error"]))
for t in d.get("trials", []):
    print(f"  DJL trial {t['number']}: {t['state']} in {t['seconds']} s")
if reason:
    print(f"  DJL part skipped: {reason}")
PY
[[ -z "$djl_reason" ]]
