#!/usr/bin/env bash
# Runs one of the examples' programs from this checkout, building the examples module first when
# needed:  examples/run.sh MAIN-CLASS [ARGS...]
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
target="$root/examples/target"
classpath_file="$target/classpath.txt"

if [[ ! -f "$classpath_file" || -n "$(find "$root/pom.xml" "$root"/addons-{api,core,container,postgres,redis,memcache,testkit}/{pom.xml,src} \
    "$root/examples/pom.xml" "$root/examples/src" -newer "$classpath_file" -print -quit 2>/dev/null)" ]]; then
  echo "examples: building (mvn package -pl examples -am)..." >&2
  mkdir -p "$target"
  if ! (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -DskipErrorProne -pl examples -am package) >"$target/build.log" 2>&1; then
    cat "$target/build.log" >&2
    echo "examples: the build failed; see above" >&2
    exit 1
  fi
  touch "$classpath_file"
fi

main="$1"
shift
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$target/classes:$(cat "$classpath_file")" "$main" "$@"
