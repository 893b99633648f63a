#!/usr/bin/env bash
# Smart Tuner installer: checks the machine, installs the system packages and the Python
# venv the tests use, builds the runnable layout, and prints the next command.
# Idempotent: run it again at any time; it only does what is missing.
set -uo pipefail

usage() {
  cat <<'USAGE'
Usage: ./install.sh [--check] [--no-build] [--config FILE] [--help]

  (no option)     check the machine, install what is missing, build target/smart-tuner/
  --check         verify only: report every problem, change nothing (exit 1 if any)
  --no-build      install and check, but do not run the Maven build
  --config FILE   the configuration whose ports are checked (default conf/local.yaml)
  --help          this text

What it needs and does:
  - Java 17 or newer and Maven 3.8+ (checked; install them with your package manager)
  - free disk: about 3 GB for ~/.m2 (the cold build downloads ~450 MB), ~/.djl.ai
    (libtorch, ~430 MB unpacked) and the build output
  - system packages espeak-ng and sox (the demo corpus), python3-venv, and chromium (the
    report test opens the HTML report in headless Chromium), installed with apt-get when
    this runs as root (or with sudo)
  - .venv/ : a Python venv with Optuna, numpy, scipy, librosa, torch (CPU), safetensors and
    Ray Tune, used by the interoperability tests (Optuna's study file, librosa's MCD-DTW reference,
    NVIDIA's Tacotron2 in PyTorch) and the Ray Tune arm of `bench peer`, and cmaes (pip, else Debian's python3-cmaes) for the CMA-ES reference
  - ports: the Spark UI port and a local MLflow tracking URI's port (says who holds one)
USAGE
}

check_only=0
build=1
config="conf/local.yaml"
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check_only=1 ;;
    --no-build) build=0 ;;
    --config) shift; config="${1:-}" ;;
    --config=*) config="${1#--config=}" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see ./install.sh --help)" >&2; exit 2 ;;
  esac
  shift
done

cd "$(dirname "${BASH_SOURCE[0]}")" || exit 1
problems=0
ok()   { printf '  ok    %s\n' "$*"; }
warn() { printf '  warn  %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*"; problems=$((problems + 1)); }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi
}

echo "Smart Tuner install ($( [ $check_only = 1 ] && echo 'check only' || echo 'install' ))"

# --- Java and Maven -------------------------------------------------------------------
if command -v java >/dev/null 2>&1; then
  jv=$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')
  major=${jv%%.*}; [ "$major" = 1 ] && major=$(echo "$jv" | cut -d. -f2)
  if [ "${major:-0}" -ge 17 ] 2>/dev/null; then ok "Java $jv"; else
    fail "Java $jv is too old: Java 17 or newer is needed (apt-get install openjdk-17-jdk, or set JAVA_HOME)"; fi
else
  fail "no java on PATH: install a JDK 17+ (apt-get install openjdk-17-jdk) or set PATH/JAVA_HOME"
fi
if command -v mvn >/dev/null 2>&1; then
  ok "$(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')"
else
  fail "no mvn on PATH: install Maven 3.8+ (apt-get install maven)"
fi

# --- Disk -----------------------------------------------------------------------------
for d in "$PWD" "$HOME"; do
  avail_kb=$(df -Pk "$d" 2>/dev/null | awk 'NR==2 {print $4}')
  if [ -n "$avail_kb" ] && [ "$avail_kb" -lt $((3 * 1024 * 1024)) ]; then
    fail "only $((avail_kb / 1024)) MB free under $d: about 3 GB are needed (Maven repository, libtorch, build)"
  elif [ -n "$avail_kb" ]; then
    ok "$((avail_kb / 1024 / 1024)) GB free under $d"
  fi
done

# --- Ports ----------------------------------------------------------------------------
port_holder() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    ss -ltnpH "sport = :$port" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -1
  elif command -v lsof >/dev/null 2>&1; then
    lsof -nP -iTCP:"$port" -sTCP:LISTEN 2>/dev/null | awk 'NR==2 {print $1 " pid " $2}'
  fi
}
port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0 || return 1
}
spark_ui_port=4040
if port_busy $spark_ui_port; then
  warn "port $spark_ui_port (Spark UI) is in use by $(port_holder $spark_ui_port || true); Spark will take the next free port"
else
  ok "port $spark_ui_port (Spark UI) is free"
fi
mlflow_uri="${MLFLOW_TRACKING_URI:-}"
if [ -z "$mlflow_uri" ] && [ -f "$config" ]; then
  mlflow_uri=$(sed -n 's/^[[:space:]]*tracking_uri:[[:space:]]*//p' "$config" | head -1 | tr -d "\"'")
  case "$mlflow_uri" in *'${'*) mlflow_uri="" ;; esac
fi
case "$mlflow_uri" in
  http://localhost:*|http://127.0.0.1:*)
    p=${mlflow_uri##*:}; p=${p%%/*}
    if port_busy "$p"; then ok "MLflow at $mlflow_uri is listening ($(port_holder "$p" || echo 'process unknown'))"
    else warn "MLflow tracking URI $mlflow_uri: nothing listens on port $p; the study will run and send its backlog when the server comes up"; fi ;;
  "") ok "no MLflow tracking URI configured (tracking off)" ;;
  *) ok "MLflow tracking URI $mlflow_uri (remote, not checked)" ;;
esac

# --- System packages --------------------------------------------------------------------
missing=()
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v sox >/dev/null 2>&1 || missing+=(sox)
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then missing+=(python3-venv); fi
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then
  ok "espeak-ng, sox, python3 venv and chromium are installed"
elif [ $check_only = 1 ]; then
  fail "missing system packages: ${missing[*]} (run ./install.sh, or: sudo apt-get install -y ${missing[*]})"
elif command -v apt-get >/dev/null 2>&1; then
  echo "  ...   installing ${missing[*]} with apt-get"
  if as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 \
     && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    ok "installed ${missing[*]}"
  else
    fail "could not install ${missing[*]} with apt-get (not root and no passwordless sudo?): run 'sudo apt-get install -y ${missing[*]}' and rerun ./install.sh"
  fi
else
  fail "missing ${missing[*]} and no apt-get here: install them with your package manager and rerun ./install.sh"
fi

# --- Python venv with Optuna, numpy, scipy, librosa, torch, safetensors, Ray Tune (interop tests) ---
# torch (CPU) and safetensors: the NVIDIA Tacotron2 equivalence and export tests load our files with them;
# Ray Tune: the Ray arm of `smart-tuner bench peer` (src/test/python/ray_tune_peer.py) and its test
py_packages=(optuna numpy scipy librosa torch safetensors "ray[tune]")
venv_versions() {
  .venv/bin/python -c 'import optuna, numpy, scipy, librosa, torch, safetensors, ray, ray.tune; print("Optuna %s, numpy %s, scipy %s, librosa %s, torch %s, safetensors %s, Ray %s" % (optuna.__version__, numpy.__version__, scipy.__version__, librosa.__version__, torch.__version__, safetensors.__version__, ray.__version__))' 2>/dev/null
}
if [ -x .venv/bin/python ] && venv_versions >/dev/null; then
  ok "Python venv .venv with $(venv_versions)"
elif [ $check_only = 1 ]; then
  fail "no complete .venv (the interop tests need ${py_packages[*]}): run ./install.sh"
else
  echo "  ...   setting up .venv with ${py_packages[*]}"
  if { [ -x .venv/bin/python ] || python3 -m venv .venv >/dev/null 2>&1; } \
     && .venv/bin/pip install -q --disable-pip-version-check --retries 1 "${py_packages[@]}" >/tmp/smart-tuner-pip.log 2>&1 \
     && venv_versions >/dev/null; then
    ok "Python venv .venv with $(venv_versions)"
  else
    fail "could not make .venv with ${py_packages[*]} (see /tmp/smart-tuner-pip.log); check that pip can reach a package index, then rerun ./install.sh"
  fi
fi

# --- cmaes in the venv: Optuna's CmaEsSampler backend, the reference of CmaEsSamplerTest -------
# pip when the package index has it; else Debian's python3-cmaes (0.9.1: the same CMA as 0.13 with
# lr_adapt off, which is Optuna's default), only its package copied into the venv so that Debian's
# numpy stays out. Optional: without it that test skips and bench_optuna.py leaves out cmaes.
cmaes_version() {
  .venv/bin/python -c 'import cmaes, importlib.metadata as m; print(m.version("cmaes"))' 2>/dev/null
}
if [ ! -x .venv/bin/python ]; then
  :
elif cmaes_version >/dev/null; then
  ok "cmaes $(cmaes_version) in .venv"
elif [ $check_only = 1 ]; then
  warn "no cmaes in .venv (the CMA-ES reference test skips): run ./install.sh"
else
  if ! .venv/bin/pip install -q --disable-pip-version-check --retries 1 cmaes >>/tmp/smart-tuner-pip.log 2>&1 \
     && command -v apt-get >/dev/null 2>&1; then
    dpkg -s python3-cmaes >/dev/null 2>&1 \
      || { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 \
           && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-cmaes >/dev/null 2>&1; }
    deb_dir=$(dpkg -L python3-cmaes 2>/dev/null | sed -n 's#/cmaes/__init__.py$##p' | head -1)
    site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' 2>/dev/null)
    if [ -n "$deb_dir" ] && [ -n "$site" ]; then
      cp -r "$deb_dir"/cmaes "$deb_dir"/cmaes-*info "$site"/ 2>/dev/null
    fi
  fi
  if cmaes_version >/dev/null; then ok "cmaes $(cmaes_version) in .venv"
  else warn "could not put cmaes into .venv (pip: see /tmp/smart-tuner-pip.log; nor Debian's python3-cmaes): the CMA-ES reference test skips"; fi
fi

# --- Build ----------------------------------------------------------------------------
if [ $check_only = 1 ]; then
  if [ -x target/smart-tuner/bin/smart-tuner ]; then ok "built: target/smart-tuner/"; else
    fail "not built yet: run ./install.sh (or mvn -B package -DskipTests)"; fi
elif [ $build = 1 ] && [ $problems = 0 ]; then
  echo "  ...   building (mvn -B -q package -DskipTests; the first build downloads about 450 MB)"
  if mvn -B -q package -DskipTests >/tmp/smart-tuner-build.log 2>&1; then
    ok "built target/smart-tuner/ (bin/smart-tuner, smart-tuner.jar, smart-tuner-job.jar, lib/, conf/)"
  else
    tail -30 /tmp/smart-tuner-build.log
    fail "the Maven build failed (full log: /tmp/smart-tuner-build.log); a network error while downloading: rerun; a compile error: report it"
  fi
fi

echo
if [ $problems -gt 0 ]; then
  echo "$problems problem(s) found; fix them as said above and rerun ./install.sh"
  exit 1
fi
echo "Ready. Next:"
echo "  target/smart-tuner/bin/smart-tuner tune            # the demo study on the embedded default"
echo "  mvn -B verify                                      # all the tests"
