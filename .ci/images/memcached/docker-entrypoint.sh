#!/bin/sh
# The official memcached image's entrypoint contract, for Debian's memcached 1.6:
# - the command is memcached's command line; arguments starting with '-' are memcached options;
# - memcached has SASL (-S) with its own password file, MEMCACHED_SASL_PWDB (see memcached);
# - memcached listens on all container interfaces on 11211 (its default) as the unprivileged
#   memcache user (the image's USER); nothing is written to disk and nothing is initialised.
set -e

if [ "${1#-}" != "$1" ]; then
  set -- memcached "$@"
fi

exec "$@"
