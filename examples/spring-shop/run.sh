#!/usr/bin/env bash
# Starts the Spring Boot example from this checkout, building its module first when needed. It
# takes its connections from the addons' variables, so run it through addons:
#   bin/addons deploy -f examples/spring-shop/addons.toml
#   bin/addons run -a spring-shop -- examples/spring-shop/run.sh order tea
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
target="$root/examples/spring-shop/target"
classpath_file="$target/classpath.txt"

if [[ ! -f "$classpath_file" || -n "$(find "$root/pom.xml" "$root"/addons-{api,core,postgres,redis,rabbitmq,spring-boot}/{pom.xml,src} \
    "$root/examples/spring-shop/pom.xml" "$root/examples/spring-shop/src" -newer "$classpath_file" -print -quit 2>/dev/null)" ]]; then
  echo "spring-shop: building (mvn package -pl examples/spring-shop -am)..." >&2
  mkdir -p "$target"
  if ! (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -DskipErrorProne -pl examples/spring-shop -am package) >"$target/build.log" 2>&1; then
    cat "$target/build.log" >&2
    echo "spring-shop: the build failed; see above" >&2
    exit 1
  fi
  touch "$classpath_file"
fi

exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$target/classes:$(cat "$classpath_file")" \
  dev.addons.examples.spring.ShopApplication "$@"
