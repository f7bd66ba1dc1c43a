#!/bin/bash
# The official rabbitmq image's entrypoint contract (3.9 and later, -management variant), for
# Debian's RabbitMQ 3.10:
# - RABBITMQ_DEFAULT_USER, RABBITMQ_DEFAULT_PASS and RABBITMQ_DEFAULT_VHOST make the first user and
#   virtual host when the node's database is new (RabbitMQ reads them itself; guest/guest and / by
#   default); RABBITMQ_NODENAME and the other RABBITMQ_* variables are RabbitMQ's own;
# - the node is named rabbit@<the container's host name>, and its database lives in
#   /var/lib/rabbitmq/mnesia/<node name>, as in the official image;
# - AMQP on 5672 and the management API on 15672, on every container interface; logs on the console;
# - arguments starting with '-' are rabbitmq-server options; the node runs as the rabbitmq user.
set -Eeuo pipefail

if [[ "${1:0:1}" == '-' ]]; then
  set -- rabbitmq-server "$@"
fi

if [[ "$1" == rabbitmq-server && "$(id -u)" == 0 ]]; then
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$BASH_SOURCE" "$@"
fi

exec "$@"
