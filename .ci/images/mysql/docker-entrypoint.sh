#!/bin/bash
# The official mysql image's entrypoint contract, for Debian's MariaDB 10.11 standing in for MySQL 8:
# - one of MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD or MYSQL_RANDOM_ROOT_PASSWORD (printed
#   as "GENERATED ROOT PASSWORD: ...") is required on first start; MYSQL_ROOT_HOST (default '%')
#   is where root may log in from besides localhost; MYSQL_DATABASE is created, and MYSQL_USER with
#   MYSQL_PASSWORD gets every privilege on it; *.sh and *.sql in /docker-entrypoint-initdb.d run
#   after that;
# - on first start (no mysql system database in /var/lib/mysql) the data directory is initialised,
#   with a server listening on no network while it is; the server listens on all container
#   interfaces on 3306;
# - arguments starting with '-' are mysqld options; the server runs as the mysql user.
set -Eeuo pipefail

if [[ "${1:0:1}" == '-' ]]; then
  set -- mysqld "$@"
fi
if [[ "$1" != mysqld && "$1" != mariadbd ]]; then
  exec "$@"
fi
shift
set -- mariadbd "$@"

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock

if [[ "$(id -u)" == 0 ]]; then
  mkdir -p "$DATADIR" /run/mysqld
  chown -R mysql:mysql "$DATADIR" /run/mysqld
  exec setpriv --reuid=mysql --regid=mysql --init-groups "$BASH_SOURCE" "$@"
fi

# A value for a single-quoted SQL string.
sql_string() {
  local value=${1//\\/\\\\}
  printf "'%s'" "${value//\'/\\\'}"
}

if [[ ! -d "$DATADIR/mysql" ]]; then
  if [[ -z "${MYSQL_ROOT_PASSWORD:-}" && -z "${MYSQL_ALLOW_EMPTY_PASSWORD:-}" \
      && -z "${MYSQL_RANDOM_ROOT_PASSWORD:-}" ]]; then
    echo "error: database is uninitialized and password option is not specified." >&2
    echo "       You need to specify one of MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD and MYSQL_RANDOM_ROOT_PASSWORD" >&2
    exit 1
  fi
  if [[ -n "${MYSQL_RANDOM_ROOT_PASSWORD:-}" ]]; then
    MYSQL_ROOT_PASSWORD=$(head -c 24 /dev/urandom | base64)
    echo "GENERATED ROOT PASSWORD: $MYSQL_ROOT_PASSWORD"
  fi
  : "${MYSQL_ROOT_HOST:=%}"
  echo "Initializing database files"
  mariadb-install-db --datadir="$DATADIR" --auth-root-authentication-method=normal --skip-test-db \
    --cross-bootstrap >/dev/null
  "$@" --skip-networking --socket="$SOCKET" &
  pid=$!
  for _ in $(seq 1 300); do
    if mariadb --protocol=socket --socket="$SOCKET" -uroot -e 'select 1' >/dev/null 2>&1; then
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "error: the server for initialisation did not start" >&2
      exit 1
    fi
    sleep 0.1
  done
  root_password=$(sql_string "${MYSQL_ROOT_PASSWORD:-}")
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    # Only root@localhost and root@MYSQL_ROOT_HOST, as the official image leaves it.
    echo "DELETE FROM mysql.global_priv WHERE user NOT IN ('mariadb.sys', 'root') OR host NOT IN ('localhost');"
    echo "FLUSH PRIVILEGES;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $root_password;"
    if [[ "$MYSQL_ROOT_HOST" != localhost ]]; then
      echo "CREATE USER 'root'@$(sql_string "$MYSQL_ROOT_HOST") IDENTIFIED BY $root_password;"
      echo "GRANT ALL ON *.* TO 'root'@$(sql_string "$MYSQL_ROOT_HOST") WITH GRANT OPTION;"
    fi
    if [[ -n "${MYSQL_DATABASE:-}" ]]; then
      echo "CREATE DATABASE IF NOT EXISTS \`${MYSQL_DATABASE//\`/\`\`}\`;"
    fi
    if [[ -n "${MYSQL_USER:-}" && -n "${MYSQL_PASSWORD:-}" ]]; then
      echo "CREATE USER $(sql_string "$MYSQL_USER")@'%' IDENTIFIED BY $(sql_string "$MYSQL_PASSWORD");"
      if [[ -n "${MYSQL_DATABASE:-}" ]]; then
        echo "GRANT ALL ON \`${MYSQL_DATABASE//\`/\`\`}\`.* TO $(sql_string "$MYSQL_USER")@'%';"
      fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --protocol=socket --socket="$SOCKET" -uroot
  client=(mariadb --protocol=socket --socket="$SOCKET" -uroot)
  if [[ -n "${MYSQL_ROOT_PASSWORD:-}" ]]; then
    client+=(--password="$MYSQL_ROOT_PASSWORD")
  fi
  if [[ -n "${MYSQL_DATABASE:-}" ]]; then
    client+=(--database="$MYSQL_DATABASE")
  fi
  for file in /docker-entrypoint-initdb.d/*; do
    case "$file" in
      *.sh) echo "running $file"; . "$file" ;;
      *.sql) echo "running $file"; "${client[@]}" < "$file" ;;
      *) ;;
    esac
  done
  kill "$pid"
  wait "$pid" || true
  echo "MySQL init process done. Ready for start up."
fi

exec "$@"
