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
import java.util.Map;
import java.util.UUID;
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

    @Test
    void aReadinessConnectionIsLentNextAndFollowsTheAdminToItsNewPassword() throws Exception {
        Connection readiness = working();
        AdminConnections.adopt(withTemplatePassword, readiness);

        AdminConnections.Lease personalizing = AdminConnections.borrow(withTemplatePassword);
        assertThat(personalizing.connection()).isSameAs(readiness);
        personalizing.handOver(withOwnPassword);

        try (AdminConnections.Lease provisioning = AdminConnections.borrow(withOwnPassword)) {
            assertThat(provisioning.connection()).isSameAs(readiness);
        }
        verify(readiness, never()).close();
        verify(readiness, atLeastOnce()).setNetworkTimeout(any(), anyInt());
        AdminConnections.sweep(System.nanoTime() + 2 * AdminConnections.IDLE_MILLIS * 1_000_000);
        verify(readiness).close();
        assertThat(AdminConnections.knows(withOwnPassword)).isFalse();
        assertThat(AdminConnections.knows(withTemplatePassword)).isFalse();
    }

    @Test
    void aServerWithALentConnectionIsNotForgottenAndOneIdleForLessThanTheLimitIsKept() throws Exception {
        Connection kept = working();
        Connection lent = working();
        AdminConnections.adopt(withOwnPassword, lent);
        AdminConnections.Lease lease = AdminConnections.borrow(withOwnPassword);
        AdminConnections.adopt(withOwnPassword, kept);

        AdminConnections.sweep(System.nanoTime() + 2 * AdminConnections.IDLE_MILLIS * 1_000_000);
        assertThat(AdminConnections.knows(withOwnPassword)).isTrue();
        verify(kept).close();
        verify(lent, never()).close();

        lease.close();
        AdminConnections.sweep(System.nanoTime());
        assertThat(AdminConnections.knows(withOwnPassword)).isTrue();
        verify(lent, never()).close();
        AdminConnections.sweep(System.nanoTime() + 2 * AdminConnections.IDLE_MILLIS * 1_000_000);
        verify(lent).close();
        assertThat(AdminConnections.knows(withOwnPassword)).isFalse();
    }

    @Test
    void aConnectionThatCannotTakeTheWorkTimeoutIsClosedNotKept() throws Exception {
        Connection broken = working();
        doThrow(new SQLException("connection closed", "08003")).when(broken).setNetworkTimeout(any(), anyInt());

        AdminConnections.adopt(withOwnPassword, broken);

        verify(broken).close();
        assertThat(AdminConnections.knows(withOwnPassword)).isFalse();
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
