package dev.addons.postgres;

import dev.addons.api.spi.ServerAccess;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admin connections to the {@code postgres} database of each server, kept open between tenants:
 * a connection costs a SCRAM handshake (tens of milliseconds on a busy host), a tenant on a running
 * shared server only a few statements. At most {@value #MAX_PER_SERVER} are in use per server at
 * once (more would only make CREATE DATABASEs compete for the same disk and cores) and as many are
 * kept idle, each for at most {@value #IDLE_MILLIS} ms. An idle connection is checked before it is
 * lent (a server restarted on the same port leaves it broken), and one given back in a transaction
 * or broken is closed instead of kept.
 *
 * <p>Servers are told apart by id, endpoint and admin credentials, so a new server that reuses a
 * port never gets another's connections. Holds passwords only inside the connections' properties;
 * nothing of it is logged. Thread-safe.
 */
final class AdminConnections {
    private static final Logger LOG = LoggerFactory.getLogger(AdminConnections.class);
    static final int MAX_PER_SERVER = 8;
    static final long IDLE_MILLIS = 30_000;
    private static final int VALID_SECONDS = 2;

    private static final Map<Key, Server> SERVERS = new ConcurrentHashMap<>();

    private AdminConnections() {
    }

    /** A connection lent until {@link Lease#close()}, which gives it back. */
    static final class Lease implements AutoCloseable {
        private final Server server;
        private final Connection connection;
        private boolean closed;

        private Lease(Server server, Connection connection) {
            this.server = server;
            this.connection = connection;
        }

        Connection connection() {
            return connection;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                server.giveBack(connection);
            }
        }
    }

    /** An admin connection to {@code server}'s {@code postgres} database; waits while all are in use. */
    static Lease borrow(ServerAccess server) throws SQLException {
        Server pool = SERVERS.computeIfAbsent(Key.of(server), key -> new Server());
        try {
            pool.permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for an admin connection", "57014", e);
        }
        try {
            Connection idle;
            while ((idle = pool.takeIdle()) != null) {
                if (idle.isValid(VALID_SECONDS)) {
                    return new Lease(pool, idle);
                }
                closeQuietly(idle);
            }
            return new Lease(pool, PostgresAdmin.connect(server, PostgresAdmin.MAINTENANCE_DATABASE));
        } catch (SQLException | RuntimeException e) {
            pool.permits.release();
            throw e;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("Closing an admin connection failed", e);
        }
    }

    /** Which server: its id, where it listens and who its admin is. */
    private record Key(String serverId, String host, int port, String user, String password) {
        static Key of(ServerAccess server) {
            return new Key(server.serverId(), server.endpoint().host(), server.endpoint().port(), server.adminUser(),
                    server.adminPassword());
        }

        @Override
        public String toString() {
            return serverId + "@" + host + ":" + port; // never the password
        }
    }

    /** One server's idle connections, most recently used first, and its permits. */
    private static final class Server {
        private final Semaphore permits = new Semaphore(MAX_PER_SERVER, true);
        private final Deque<Idle> idle = new ArrayDeque<>();

        private record Idle(Connection connection, long since) {
        }

        synchronized Connection takeIdle() {
            closeExpired();
            Idle first = idle.pollFirst();
            return first == null ? null : first.connection();
        }

        void giveBack(Connection connection) {
            try {
                boolean reusable;
                try {
                    reusable = !connection.isClosed() && connection.getAutoCommit();
                } catch (SQLException e) {
                    reusable = false;
                }
                if (reusable) {
                    synchronized (this) {
                        closeExpired();
                        if (idle.size() < MAX_PER_SERVER) {
                            idle.addFirst(new Idle(connection, System.nanoTime()));
                            return;
                        }
                    }
                }
                closeQuietly(connection);
            } finally {
                permits.release();
            }
        }

        private void closeExpired() {
            long now = System.nanoTime();
            while (!idle.isEmpty() && now - idle.peekLast().since() > IDLE_MILLIS * 1_000_000) {
                closeQuietly(idle.pollLast().connection());
            }
        }
    }
}
