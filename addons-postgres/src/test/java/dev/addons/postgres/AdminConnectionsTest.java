package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.ServerAccess;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's bookkeeping, with connections that only say whether they were closed (the real
 * server's side is in the PostgreSQL scenarios and the template tests): a readiness check's
 * connection is lent to the next borrow, follows the admin to a new password, and an idle one is
 * closed and its server forgotten once it has been idle too long.
 */
class AdminConnectionsTest {
    private final String serverId = "pool-test-" + UUID.randomUUID();
    private final ServerAccess withTemplatePassword = access("template-password");
    private final ServerAccess withOwnPassword = access("own-password");
    private final AdminConnections connections = new AdminConnections();

    @AfterEach
    void closeThePool() {
        connections.close();
    }

    @Test
    void aReadinessConnectionIsLentNextAndFollowsTheAdminToItsNewPassword() throws Exception {
        Connection readiness = working();
        connections.adopt(withTemplatePassword, readiness);

        AdminConnections.Lease personalizing = connections.borrow(withTemplatePassword);
        assertThat(personalizing.connection()).isSameAs(readiness);
        personalizing.handOver(withOwnPassword);

        try (AdminConnections.Lease provisioning = connections.borrow(withOwnPassword)) {
            assertThat(provisioning.connection()).isSameAs(readiness);
        }
        verify(readiness, never()).close();
        verify(readiness, atLeastOnce()).setNetworkTimeout(any(), anyInt());
        connections.sweep(System.nanoTime() + 2 * AdminConnections.IDLE_MILLIS * 1_000_000);
        verify(readiness).close();
        assertThat(connections.knows(withOwnPassword)).isFalse();
        assertThat(connections.knows(withTemplatePassword)).isFalse();
    }

    @Test
    void aServerWithALentConnectionIsNotForgottenAndOneIdleForLessThanTheLimitIsKept() throws Exception {
        Connection kept = working();
        Connection lent = working();
        connections.adopt(withOwnPassword, lent);
        AdminConnections.Lease lease = connections.borrow(withOwnPassword);
        connections.adopt(withOwnPassword, kept);

        connections.sweep(System.nanoTime() + 2 * AdminConnections.IDLE_MILLIS * 1_000_000);
        assertThat(connections.knows(withOwnPassword)).isTrue();
        verify(kept).close();
        verify(lent, never()).close();

        lease.close();
        connections.sweep(System.nanoTime());
        assertThat(connections.knows(withOwnPassword)).isTrue();
        verify(lent, never()).close();
        connections.sweep(System.nanoTime() + 2 * AdminConnections.IDLE_MILLIS * 1_000_000);
        verify(lent).close();
        assertThat(connections.knows(withOwnPassword)).isFalse();
    }

    @Test
    void aConnectionThatCannotTakeTheWorkTimeoutIsClosedNotKept() throws Exception {
        Connection broken = working();
        doThrow(new SQLException("connection closed", "08003")).when(broken).setNetworkTimeout(any(), anyInt());

        connections.adopt(withOwnPassword, broken);

        verify(broken).close();
        assertThat(connections.knows(withOwnPassword)).isFalse();
    }

    @Test
    void closingClosesTheIdleConnectionsAndEachLentOneWhenGivenBackAndEndsTheSweeperThread() throws Exception {
        Connection idle = working();
        Connection lent = working();
        connections.adopt(withOwnPassword, lent);
        AdminConnections.Lease lease = connections.borrow(withOwnPassword);
        connections.adopt(withOwnPassword, idle);
        assertThat(sweeperThreads()).as("started by the first connection kept").hasSize(1);

        connections.close();

        verify(idle).close();
        verify(lent, never()).close();
        assertThat(sweeperThreads()).isEmpty();
        lease.close();
        verify(lent).close();
        Connection late = working();
        connections.adopt(withOwnPassword, late);
        verify(late).close();
        assertThat(sweeperThreads()).as("none started after close").isEmpty();
        connections.close();
    }

    @Test
    void eachPoolHasASweeperThreadOfItsOwn() throws Exception {
        try (AdminConnections other = new AdminConnections()) {
            assertThat(other.threadName()).isNotEqualTo(connections.threadName())
                    .startsWith(AdminConnections.THREAD_NAME);
        }
    }

    private List<Thread> sweeperThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(connections.threadName())).toList();
    }

    private ServerAccess access(String password) {
        return new ServerAccess(serverId, new Endpoint("127.0.0.1", 1), "postgres", password, Map.of());
    }

    private static Connection working() throws SQLException {
        Connection connection = mock(Connection.class);
        when(connection.isValid(anyInt())).thenReturn(true);
        when(connection.getAutoCommit()).thenReturn(true);
        return connection;
    }
}
