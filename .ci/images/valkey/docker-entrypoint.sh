#!/bin/sh
# The official valkey/valkey image's entrypoint contract, for Debian's Redis 7.0 as valkey-server:
# - the command is valkey-server's command line; a first argument starting with '-' or ending in
#   .conf is valkey-server's (an option, or its configuration file);
# - VALKEY_EXTRA_FLAGS: further valkey-server arguments, word-split, appended to the command
#   (the official image's way to pass e.g. --requirepass without replacing the command);
# - the working directory /data holds the data (Valkey's default dir is the working directory:
#   dump.rdb, saved by the default save points and on SIGTERM); started as root, the entrypoint
#   gives /data to the valkey user and runs the server as that user;
# - the server listens on all container interfaces on 6379 (its defaults), and protected mode is
#   off unless asked for, as the official image builds Valkey with protected mode off by default.
set -e

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- valkey-server "$@"
fi

if [ "$1" = valkey-server ]; then
  if [ "$(id -u)" = 0 ]; then
    find . \! -user valkey -exec chown valkey '{}' +
    exec setpriv --reuid=valkey --regid=valkey --clear-groups -- "$0" "$@"
  fi
  if [ ! -w . ]; then
    echo >&2 "error: directory '$(pwd)' is not writable by current user ($(id -u))"
    exit 1
  fi
  # The built-in default the official image changes, placed after a configuration file (which
  # valkey-server wants first) and before every other argument, so that either can override it.
  server=$1
  shift
  if [ "${1%.conf}" != "${1:-}" ]; then
    conf=$1
    shift
    set -- "$server" "$conf" --protected-mode no "$@"
  else
    set -- "$server" --protected-mode no "$@"
  fi
fi

um="$(umask)"
if [ "$um" = '0022' ]; then
  umask 0077
fi

# shellcheck disable=SC2086 # VALKEY_EXTRA_FLAGS is a list of arguments, as in the official image
exec "$@" ${VALKEY_EXTRA_FLAGS:-}
