#!/usr/bin/env bash
# pilot-spc launcher: builds what it needs once (again when sources change), then runs a command.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CORE="$ROOT/jobs/spc-core"
CORE_JAR="$CORE/target/spc-core.jar"
JAVA_OPTS="${SPC_JAVA_OPTS:--Xmx1g}"

usage() {
  cat <<'USAGE'
Usage: ./spc <command> [options]

Commands:
  bench core      per-point cost of the SPC engine (I-MR + Western Electric rules, EWMA, CUSUM,
                  capability and drift); last line: ns_per_point=<median> points=<count>
  check-features  validate a feature definitions file (YAML or JSON) and print the resolved
                  definitions

Run ./spc <command> --help for the options of a command.
Environment: SPC_JAVA_OPTS (default -Xmx1g) for the JVM, SPC_REBUILD=1 to force a rebuild.
USAGE
}

die() { echo "spc: $*" >&2; exit 2; }

build_if_needed() {
  local stale=0
  if [[ ! -f "$CORE_JAR" || "${SPC_REBUILD:-0}" == 1 ]]; then
    stale=1
  elif [[ -n "$(find "$ROOT/pom.xml" "$CORE/pom.xml" "$CORE/src/main" -newer "$CORE_JAR" -print -quit)" ]]; then
    stale=1
  fi
  if [[ $stale == 1 ]]; then
    command -v mvn >/dev/null || die "Maven (mvn) is needed to build pilot-spc; install it (apt-get install maven)"
    echo "spc: building (once; takes a minute on a fresh machine)..." >&2
    (cd "$ROOT" && mvn -q -B -DskipTests -pl jobs/spc-core -am package) >&2 \
      || die "build failed; run 'mvn -DskipTests package' to see why"
  fi
}

run_core() {
  build_if_needed
  exec java $JAVA_OPTS -cp "$CORE_JAR:$CORE/target/lib/*" "$@"
}

cmd="${1:-}"
[[ -n "$cmd" ]] || { usage; exit 2; }
shift
case "$cmd" in
  -h|--help|help) usage ;;
  bench)
    sub="${1:-}"
    [[ -n "$sub" ]] || die "bench needs a target: core"
    shift
    case "$sub" in
      core) run_core dev.pilotspc.core.bench.CoreBenchmark "$@" ;;
      -h|--help) usage ;;
      *) die "unknown bench target '$sub' (known: core)" ;;
    esac
    ;;
  check-features) run_core dev.pilotspc.core.config.FeatureDefinitions "$@" ;;
  *) die "unknown command '$cmd' (see ./spc --help)" ;;
esac
