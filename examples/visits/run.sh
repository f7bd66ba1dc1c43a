#!/usr/bin/env bash
# Starts the visits server from this checkout, building the examples module first when needed.
# It reads DATABASE_URL, so run it through addons:
#   bin/addons deploy -f examples/visits/addons.toml && bin/addons run -a visits -- examples/visits/run.sh
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
target="$root/examples/target"
classpath_file="$target/classpath.txt"

if [[ ! -f "$classpath_file" || -n "$(find "$root/pom.xml" "$root"/addons-{api,core,postgres}/{pom.xml,src} \
    "$root/examples/pom.xml" "$root/examples/src" -newer "$classpath_file" -print -quit 2>/dev/null)" ]]; then
  echo "visits: building the example (mvn package -pl examples -am)..." >&2
  mkdir -p "$target"
  if ! (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl examples -am package) >"$target/build.log" 2>&1; then
    cat "$target/build.log" >&2
    echo "visits: the build failed; see above" >&2
    exit 1
  fi
  touch "$classpath_file"
fi

exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$target/classes:$(cat "$classpath_file")" \
  dev.addons.examples.visits.VisitsServer "$@"
