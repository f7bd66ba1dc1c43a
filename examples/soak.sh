#!/usr/bin/env bash
# The long soak: creates and destroys addons in a loop on a fresh home, then reports what was left
# behind (processes, listening ports, file descriptors, files) and exits 1 if anything leaked.
#   examples/soak.sh [--minutes M | --cycles N] [--runtime process|container] [ADDON[:VARIANT][@VERSION]...]
# Default: 30 minutes of postgresql:shared@15 and memcached on the process runtime.
set -euo pipefail
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
home="$(mktemp -d "${TMPDIR:-/tmp}/addons-soak.XXXXXX")"
trap 'rm -rf "$home"' EXIT

options=()
addons=()
bounded=false
while (($#)); do
  case "$1" in
    --minutes | --cycles) bounded=true; options+=("$1" "$2"); shift 2 ;;
    --runtime) options+=("$1" "$2"); shift 2 ;;
    *) addons+=("$1"); shift ;;
  esac
done
$bounded || options+=(--minutes 30)
((${#addons[@]})) || addons=(postgresql:shared@15 memcached)
"$here/run.sh" dev.addons.testkit.Soak --home "$home" "${options[@]}" "${addons[@]}"
