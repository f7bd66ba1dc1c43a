package dev.addons.postgres;

import dev.addons.api.spi.ServerAccess;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>A readiness check's connection is kept the same way ({@link #adopt}), and a lease can be
 * handed over to new credentials ({@link Lease#handOver}): a new server's admin logs in once for
 * its readiness check, its new password and its first tenant (each SCRAM login costs the client
 * a PBKDF2 of 4096 rounds, 10-40 ms here, and the server a backend).
 *
 * <p>Idle connections are closed by a daemon thread once they have been idle for
 * {@value #IDLE_MILLIS} ms, and a server with none idle and none lent is forgotten: a destroyed
 * server's connections do not outlive it by more than that. The thread ends when nothing is kept.
 *
 * <p>Each {@link PostgresProvider} has one, which its {@link PostgresProvider#close()} closes
 * ({@link #close()}): the idle connections are closed, the thread ended, and a connection lent
 * then is closed when it is given back. After that nothing is kept: each borrow connects anew.
 *
 * <p>Servers are told apart by id, endpoint and admin credentials, so a new server that reuses a
 * port never gets another's connections. Holds passwords only inside the connections' properties;
 * nothing of it is logged. Thread-safe.
 */
final class AdminConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminConnections.class);
    static final int MAX_PER_SERVER = 8;
    static final long IDLE_MILLIS = 30_000;
    private static final int VALID_SECONDS = 2;
    /** A kept connection's socket timeout: provisioning statements (CREATE DATABASE...) may take long. */
    private static final int WORK_TIMEOUT_MILLIS = 120_000;

    /** The sweeper threads' names begin with this, followed by a number per instance. */
    static final String THREAD_NAME = "addons-postgres-admin-connections-";
    /** How long the sweeper thread waits, with nothing left to sweep, before it ends. */
    private static final long THREAD_KEEP_ALIVE_MILLIS = 1_000;
    private static final long JOIN_MILLIS = 10_000;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Map<Key, Server> servers = new ConcurrentHashMap<>();
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String threadName = THREAD_NAME + INSTANCES.incrementAndGet();
    /** The sweeper's threads: one at a time, a new one after the last ended for lack of work. */
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor sweeper;

    /** Keeps nothing yet; starts no thread. */
    AdminConnections() {
        sweeper = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            threads.removeIf(t -> !t.isAlive());
            threads.add(thread);
            return thread;
        });
        sweeper.setKeepAliveTime(THREAD_KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS);
        sweeper.allowCoreThreadTimeOut(true);
    }

    /** The name of this instance's sweeper thread. */
    String threadName() {
        return threadName;
    }

    /**
     * Closes the idle connections, and each lent one when it is given back, and ends the sweeper
     * thread: returns once it has ended (within seconds). Idempotent; restores the interrupt flag.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        sweeper.shutdownNow();
        for (Key key : servers.keySet()) {
            Server pool = servers.remove(key);
            if (pool != null) {
                pool.closeIdle();
            }
        }
        boolean interrupted = false;
        for (Thread thread : threads) {
            try {
                thread.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A connection lent until {@link Lease#close()}, which gives it back. */
    final class Lease implements AutoCloseable {
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

        /** How many other connections to this lease's server are lent now, in this instance. */
        int othersLent() {
            return MAX_PER_SERVER - server.permits.availablePermits() - 1;
        }

        /**
         * Gives the connection back as one of {@code newCredentials}' server (after the admin's
         * password changed on it: the session stays logged in); ends this lease.
         */
        void handOver(ServerAccess newCredentials) {
            if (!closed) {
                closed = true;
                server.permits.release();
                adopt(newCredentials, connection);
            }
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
    Lease borrow(ServerAccess server) throws SQLException {
        Key key = Key.of(server);
        Server pool;
        while (true) {
            pool = servers.computeIfAbsent(key, k -> new Server());
            try {
                pool.permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for an admin connection", "57014", e);
            }
            if (servers.get(key) == pool) {
                break;
            }
            // Forgotten by the sweeper between the lookup and the permit: take the new one.
            pool.permits.release();
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

    /**
     * Keeps {@code connection}, a working admin connection to {@code server} in auto-commit mode
     * (e.g. a readiness check's), for the next {@link #borrow}; closes it when enough are kept.
     */
    void adopt(ServerAccess server, Connection connection) {
        try {
            connection.setNetworkTimeout(Runnable::run, WORK_TIMEOUT_MILLIS);
        } catch (SQLException e) {
            closeQuietly(connection);
            return;
        }
        // In compute: the sweeper cannot forget this server between its lookup and the keep.
        servers.compute(Key.of(server), (key, pool) -> {
            Server kept = pool == null ? new Server() : pool;
            kept.keep(connection);
            return kept;
        });
    }

    /** Closes the connections idle for too long and forgets servers that have no connection at all. */
    private void sweep() {
        sweep(System.nanoTime());
    }

    /** {@link #sweep()} as if it were {@code now} (a {@link System#nanoTime()}): for tests. */
    void sweep(long now) {
        sweepScheduled.set(false);
        boolean idleLeft = false;
        for (Key key : servers.keySet()) {
            servers.computeIfPresent(key, (k, pool) -> pool.closeExpiredAndCheckUnused(now) ? null : pool);
            Server pool = servers.get(key);
            idleLeft |= pool != null && pool.hasIdle();
        }
        if (idleLeft) {
            scheduleSweep();
        }
    }

    private void scheduleSweep() {
        if (!closed.get() && sweepScheduled.compareAndSet(false, true)) {
            try {
                sweeper.schedule(() -> sweep(), IDLE_MILLIS + 1_000, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // Closed meanwhile: close() closes what is kept.
                sweepScheduled.set(false);
            }
        }
    }

    /** Whether connections to {@code server} are kept or lent: for tests. */
    boolean knows(ServerAccess server) {
        return servers.containsKey(Key.of(server));
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
    private final class Server {
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
                    keep(connection);
                } else {
                    closeQuietly(connection);
                }
            } finally {
                permits.release();
            }
        }

        /** Keeps {@code connection} idle, or closes it when enough are or the pool is closed. */
        void keep(Connection connection) {
            synchronized (this) {
                closeExpired();
                // Read under this lock, which close() takes after setting it: nothing kept survives it.
                if (!closed.get() && idle.size() < MAX_PER_SERVER) {
                    idle.addFirst(new Idle(connection, System.nanoTime()));
                    scheduleSweep();
                    return;
                }
            }
            closeQuietly(connection);
        }

        synchronized void closeIdle() {
            while (!idle.isEmpty()) {
                closeQuietly(idle.pollFirst().connection());
            }
        }

        synchronized boolean hasIdle() {
            return !idle.isEmpty();
        }

        /** Closes expired idle connections; true when none is left idle or lent. */
        synchronized boolean closeExpiredAndCheckUnused(long now) {
            closeExpired(now);
            return idle.isEmpty() && permits.availablePermits() == MAX_PER_SERVER;
        }

        private void closeExpired() {
            closeExpired(System.nanoTime());
        }

        private void closeExpired(long now) {
            while (!idle.isEmpty() && now - idle.peekLast().since() > IDLE_MILLIS * 1_000_000) {
                closeQuietly(idle.pollLast().connection());
            }
        }
    }
}
