#!/usr/bin/env bash
# The ledger job: provisions PostgreSQL for the app "ledger", migrates its schema, backs it up to
# a file and tears it down. Options: --home DIR --runtime NAME --version V --backup FILE --keep
#   examples/ledger/run.sh --version 15 --backup /tmp/ledger.tar.zst
exec "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../run.sh" dev.addons.examples.ledger.LedgerJob "$@"
