#!/usr/bin/env bash
# pilot-spc launcher: builds what it needs once (again when sources change), then runs a command.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CORE="$ROOT/jobs/spc-core"
CORE_JAR="$CORE/target/spc-core.jar"
FLINK="$ROOT/jobs/spc-flink"
FLINK_JAR="$FLINK/target/spc-flink.jar"
JAVA_OPTS="${SPC_JAVA_OPTS:--Xmx1g}"

usage() {
  cat <<'USAGE'
Usage: ./spc <command> [options]

Commands:
  demo            a simulated pilot batch through the real job (in-process Kafka, local Flink),
                  shown live: ./spc demo [--scenario stable|tool-wear|incapable|FILE] [--parts N] [--rate R]
  replay          chart a measurements file with the streaming job's graph:
                  --features FILE --input FILE --output FILE|- [--dead-letters FILE]
  simulate        the gauge simulator: a scenario to Kafka (--bootstrap-servers) or a file (--output)
  report          the pilot-batch review report (HTML): --input results.lp [--features FILE] [--batch B]
                  --output report.html
  run             the streaming job against an existing Kafka (same main class as `flink run`)
  bench pipeline  end-to-end throughput (plain consumer, Flink floor, the job) and alert latency;
                  last line: job_per_s=... consumer_per_s=... floor_per_s=... ratio=... floor_ratio=... p99_latency_ms=...
  bench detection average run lengths of the charts (Shewhart, WE rules, EWMA, CUSUM) at shifts
                  0..2 sigma next to published values, and drift detection delays [--json FILE]
  bench steps     per-measurement cost of the job's steps on one thread, no Kafka or Flink (parse,
                  engine, line protocol) on the pipeline benchmark's data
  bench core      per-point cost of the SPC engine (I-MR + Western Electric rules, EWMA, CUSUM,
                  capability and drift); last line: ns_per_point=<median> points=<count>
  check-features  validate a feature definitions file (YAML or JSON) and print the resolved
                  definitions

Run ./spc <command> --help for the options of a command.
Environment: SPC_JAVA_OPTS (default -Xmx1g) for the JVM, SPC_REBUILD=1 to force a rebuild,
SPC_LOG_DIR (default logs/ in the repository) for the log files.
USAGE
}

die() { echo "spc: $*" >&2; exit 2; }

build_if_needed() {
  local stale=0
  if [[ ! -f "$CORE_JAR" || ! -f "$FLINK_JAR" || "${SPC_REBUILD:-0}" == 1 ]]; then
    stale=1
  elif [[ -n "$(find "$ROOT/pom.xml" "$CORE/pom.xml" "$CORE/src/main" "$FLINK/pom.xml" "$FLINK/src/main" \
        -newer "$FLINK_JAR" -print -quit)" ]]; then
    stale=1
  fi
  if [[ $stale == 1 ]]; then
    command -v mvn >/dev/null || die "Maven (mvn) is needed to build pilot-spc; install it (apt-get install maven)"
    echo "spc: building (once; takes a minute on a fresh machine)..." >&2
    # Debian's Maven 3.8 writes colour resets (ESC[0m) even with -B: shown only with a failure, stripped
    local log
    log=$(cd "$ROOT" && mvn -q -B -ntp -DskipTests clean install 2>&1) \
      || { printf '%s\n' "$log" | sed 's/\x1b\[[0-9;]*m//g' >&2; die "build failed; run 'mvn -DskipTests package' to see why"; }
  fi
}

run_core() {
  build_if_needed
  exec java $JAVA_OPTS -cp "$CORE_JAR:$CORE/target/lib/*" "$@"
}

run_flink() {
  build_if_needed
  mkdir -p "${SPC_LOG_DIR:-$ROOT/logs}"
  # A temp dir of its own: what Flink, the broker and a replay's spool put there goes with it, also
  # after a crash. The JVM exits at once on OutOfMemoryError (else a task's failure can leave a
  # half-dead job that ignores Ctrl-C), with exit code 3.
  local tmp status=0
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/spc-XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  java $JAVA_OPTS -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir="$tmp" \
    -Dlog4j.configurationFile="$FLINK/conf/log4j2-local.properties" \
    -Dspc.log.file="${SPC_LOG_DIR:-$ROOT/logs}/spc.log" \
    -cp "$FLINK_JAR:$CORE_JAR:$FLINK/target/lib/*" dev.pilotspc.flink.cli.SpcCli "$@" || status=$?
  if [[ $status == 3 ]]; then
    echo "spc $1: out of memory: give the JVM more heap, e.g. SPC_JAVA_OPTS=-Xmx4g ./spc $1 ..." >&2
  fi
  exit $status
}

cmd="${1:-}"
[[ -n "$cmd" ]] || { usage; exit 2; }
shift
case "$cmd" in
  -h|--help|help) usage ;;
  bench)
    sub="${1:-}"
    [[ -n "$sub" ]] || die "bench needs a target: core, detection, pipeline or steps"
    shift
    case "$sub" in
      core) run_core dev.pilotspc.core.bench.CoreBenchmark "$@" ;;
      detection) run_core dev.pilotspc.core.bench.DetectionBenchmark "$@" ;;
      pipeline) JAVA_OPTS="${SPC_JAVA_OPTS:--Xmx3g}" run_flink bench pipeline "$@" ;;
      steps) run_flink bench steps "$@" ;;
      -h|--help) usage ;;
      *) die "unknown bench target '$sub' (known: core, detection, pipeline, steps)" ;;
    esac
    ;;
  replay|run|demo|simulate|report) run_flink "$cmd" "$@" ;;
  check-features) run_core dev.pilotspc.core.config.FeatureDefinitions "$@" ;;
  *) die "unknown command '$cmd' (see ./spc --help)" ;;
esac
