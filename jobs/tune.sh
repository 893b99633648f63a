#!/usr/bin/env bash
# Submits `smart-tuner tune` to Spark. With SPARK_HOME set it runs $SPARK_HOME/bin/spark-submit;
# without one it runs Spark's SparkSubmit from the runnable layout's lib/ (Spark included).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: jobs/tune.sh --config FILE [--master URL] [--jar JOB_JAR] [--libtorch ARCHIVE]
                    [--conf KEY=VALUE]... [--dry-run] [-- SPARK_SUBMIT_ARGS...]

Submits a Smart Tuner study (the `tune` command) to Spark in client mode.

  --config FILE     the study's YAML (required); passed as --config and as spark.smarttuner.config
  --master URL      Spark master (default: $SPARK_MASTER, else local[2])
  --jar JOB_JAR     job jar (default: smart-tuner-job.jar of the runnable layout or target/)
  --libtorch ARCHIVE
                    libtorch for the executors (the job jar carries none): a local .tgz/.tar.gz/.tar
                    is built from the runnable layout's libtorch when missing (smart-tuner
                    libtorch-archive), passed with --archives ARCHIVE#libtorch and
                    spark.executorEnv.PYTORCH_LIBRARY_PATH=libtorch, and unpacked once next to itself
                    for the driver; a URL (hdfs://, s3a://, ...) is passed as it is, and the driver
                    then uses PYTORCH_LIBRARY_PATH or the runnable layout's libtorch
  --conf KEY=VALUE  a Spark setting; spark.smarttuner.<key.path>=VALUE overrides the YAML
  --dry-run         print the command without running it
  --                everything after it goes to spark-submit before the jar
  -h, --help        this help

Spark runs from $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, otherwise from the
runnable layout (java -cp "lib/*" org.apache.spark.deploy.SparkSubmit). Driver and executors
get the JVM flags Spark 4 needs on Java 17 and -Dai.djl.offline=true. The exact command is
printed on stderr before it runs. JAVA_OPTS adds driver JVM options (runnable layout only).
USAGE
}

die() {
  echo "tune.sh: $*" >&2
  echo "Run jobs/tune.sh --help for usage." >&2
  exit 2
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The runnable layout has lib/ next to jobs/; in a source checkout it is under target/.
if [[ -d "$here/lib" ]]; then
  layout="$here"
else
  layout="$here/target/smart-tuner"
fi

# Keep in sync with pom.xml <spark.jvm.flags> (TuneScriptTest checks it).
spark_flags=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true
)
jvm_opts="${spark_flags[*]} -Dai.djl.offline=true"

config=""
master="${SPARK_MASTER:-local[2]}"
jar="$layout/smart-tuner-job.jar"
libtorch=""
dry_run=false
confs=()
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --config) [[ $# -ge 2 ]] || die "--config needs a file"; config="$2"; shift 2 ;;
    --config=*) config="${1#--config=}"; shift ;;
    --master) [[ $# -ge 2 ]] || die "--master needs a URL"; master="$2"; shift 2 ;;
    --master=*) master="${1#--master=}"; shift ;;
    --jar) [[ $# -ge 2 ]] || die "--jar needs a file"; jar="$2"; shift 2 ;;
    --jar=*) jar="${1#--jar=}"; shift ;;
    --libtorch) [[ $# -ge 2 ]] || die "--libtorch needs an archive (.tgz, .tar.gz, .tar) or its URL"; libtorch="$2"; shift 2 ;;
    --libtorch=*) libtorch="${1#--libtorch=}"; shift ;;
    --conf) [[ $# -ge 2 ]] || die "--conf needs KEY=VALUE"; confs+=("$2"); shift 2 ;;
    --conf=*) confs+=("${1#--conf=}"); shift ;;
    --dry-run) dry_run=true; shift ;;
    --) shift; extra=("$@"); break ;;
    *) die "unknown argument '$1' (allowed: --config, --master, --jar, --libtorch, --conf, --dry-run, --help, -- ...)" ;;
  esac
done

[[ -n "$config" ]] || die "missing --config FILE: the study's YAML (see conf/local.yaml)"
[[ -f "$config" ]] || die "config file '$config' does not exist"
config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
[[ -f "$jar" ]] || die "job jar '$jar' does not exist: build it with mvn -B package -DskipTests, or pass --jar"
for c in ${confs[@]+"${confs[@]}"}; do
  [[ "$c" == *=* && "${c%%=*}" != "" ]] || die "--conf '$c' must look like KEY=VALUE"
  case "${c%%=*}" in
    spark.driver.extraJavaOptions|spark.executor.extraJavaOptions)
      die "--conf ${c%%=*} is set by this script (Spark's JVM flags); add options with JAVA_OPTS or spark.executor.defaultJavaOptions" ;;
  esac
done

# libtorch for the executors: an archive they unpack into their working folder as libtorch/.
archive_args=()
if [[ -n "$libtorch" ]]; then
  case "$libtorch" in
    *.tgz|*.tar.gz|*.tar) ;;
    *) die "--libtorch '$libtorch' must end in .tgz, .tar.gz or .tar (what --archives and YARN unpack)" ;;
  esac
  if [[ "$libtorch" == *://* ]]; then
    archive_args=(--archives "$libtorch#libtorch")
  else
    if [[ ! -f "$libtorch" ]]; then
      [[ -d "$layout/lib" ]] || die "--libtorch $libtorch does not exist and there is no runnable layout to build it from"
      echo "tune.sh: building the libtorch archive $libtorch from $layout/lib" >&2
      if ! $dry_run; then
        "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$layout/smart-tuner.jar:$layout/lib/*" org.smarttuner.cli.Main libtorch-archive --out "$libtorch" >&2 \
          || die "could not build the libtorch archive $libtorch"
      fi
    fi
    libtorch="$(cd "$(dirname "$libtorch")" && pwd)/$(basename "$libtorch")"
    # The driver (client mode) loads libtorch too: the same archive, unpacked once beside it.
    driver_torch="$libtorch.unpacked"
    # .unpacked is written last, so its time says when this copy was made (tar keeps the files' own).
    if ! $dry_run && [[ ! -f "$driver_torch/.unpacked" || "$libtorch" -nt "$driver_torch/.unpacked" ]]; then
      rm -rf "$driver_torch.tmp" && mkdir -p "$driver_torch.tmp" \
        && tar -xf "$libtorch" -C "$driver_torch.tmp" && touch "$driver_torch.tmp/.unpacked" \
        && rm -rf "$driver_torch" && mv "$driver_torch.tmp" "$driver_torch" \
        || die "could not unpack $libtorch into $driver_torch"
    fi
    export PYTORCH_LIBRARY_PATH="$driver_torch"
    archive_args=(--archives "$libtorch#libtorch")
  fi
  archive_args+=(--conf "spark.executorEnv.PYTORCH_LIBRARY_PATH=libtorch")
fi

submit_args=(
  --class org.smarttuner.cli.Main
  --master "$master"
  --deploy-mode client
  --conf "spark.driver.extraJavaOptions=$jvm_opts"
  --conf "spark.executor.extraJavaOptions=$jvm_opts"
  --conf "spark.smarttuner.config=$config"
)
for c in ${confs[@]+"${confs[@]}"}; do
  submit_args+=(--conf "$c")
done
submit_args+=(${archive_args[@]+"${archive_args[@]}"} ${extra[@]+"${extra[@]}"} "$jar" tune --config "$config")

export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"
if [[ -n "${SPARK_HOME:-}" ]]; then
  [[ -x "$SPARK_HOME/bin/spark-submit" ]] \
    || die "SPARK_HOME=$SPARK_HOME has no bin/spark-submit; unset SPARK_HOME to use the runnable layout"
  cmd=("$SPARK_HOME/bin/spark-submit" "${submit_args[@]}")
else
  [[ -d "$layout/lib" ]] \
    || die "no SPARK_HOME and no runnable layout at $layout/lib: build it with mvn -B package -DskipTests"
  java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  # In client mode the driver is this JVM, so it needs the flags itself.
  # shellcheck disable=SC2206
  cmd=("$java_bin" "${spark_flags[@]}" -Dai.djl.offline=true ${JAVA_OPTS:-} -cp "$layout/lib/*"
       org.apache.spark.deploy.SparkSubmit "${submit_args[@]}")
fi

if [[ -n "${PYTORCH_LIBRARY_PATH:-}" && -n "$libtorch" ]]; then
  echo "tune.sh: driver libtorch: PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH" >&2
fi
printf 'tune.sh: running:' >&2
printf ' %q' "${cmd[@]}" >&2
printf '\n' >&2
if $dry_run; then
  exit 0
fi
exec "${cmd[@]}"
