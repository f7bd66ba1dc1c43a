#!/usr/bin/env bash
# Starts the visits server from this checkout, building the examples module first when needed.
# It reads DATABASE_URL, so run it through addons:
#   bin/addons deploy -f examples/visits/addons.toml && bin/addons run -a visits -- examples/visits/run.sh
exec "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../run.sh" dev.addons.examples.visits.VisitsServer "$@"
