#!/usr/bin/env bash
# Runs the benchmark harness from this checkout, building it first when needed (the bench module
# is only in the build with -Pbench):  bench/run.sh [--reps N] [--rows P,...] [...]; --help lists all.
# The container runtime's rows and Testcontainers use Podman's Docker API on
# /run/podman-addons.sock when it answers (.ci/containers starts it), else they say why not.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
target="$root/bench/target"
classpath_file="$target/classpath.txt"

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  set -- --help-only
fi

if [[ ! -f "$classpath_file" || -n "$(find "$root/pom.xml" "$root"/addons-{api,core,container,postgres,mysql,redis,rabbitmq,memcache,junit}/{pom.xml,src} \
    "$root/bench/pom.xml" "$root/bench/src" -newer "$classpath_file" -print -quit 2>/dev/null)" ]]; then
  echo "bench: building (mvn package -Pbench -pl bench -am)..." >&2
  mkdir -p "$target"
  if ! (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -DskipErrorProne -Pbench -pl bench -am package) >"$target/build.log" 2>&1; then
    cat "$target/build.log" >&2
    echo "bench: the build failed; see above" >&2
    exit 1
  fi
  touch "$classpath_file"
fi

socket=/run/podman-addons.sock
if [[ -z "${DOCKER_HOST:-}" && -S "$socket" ]]; then
  export DOCKER_HOST="unix://$socket"
fi
# Testcontainers: no Ryuk container (the harness stops each container itself), ports on 127.0.0.1.
export TESTCONTAINERS_RYUK_DISABLED="${TESTCONTAINERS_RYUK_DISABLED:-true}"
export TESTCONTAINERS_HOST_OVERRIDE="${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}"

cd "$root"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$target/classes:$(cat "$classpath_file")" dev.addons.bench.Bench "$@"
