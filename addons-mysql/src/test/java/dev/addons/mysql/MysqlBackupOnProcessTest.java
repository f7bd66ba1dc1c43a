package dev.addons.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.TenantRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Backups of MySQL 8 as MariaDB 10.11 from Debian's binaries on the process runtime: the runtime
 * looks for tools in the directory it found {@code mariadbd} in ({@code /usr/sbin}), while
 * {@code mysqldump} and {@code mysql} sit in {@code /usr/bin}, so it refuses them, naming the tool
 * and the container runtime. The backup and restore themselves are tested against the same
 * MariaDB 10.11 in {@link MysqlBackupOnContainerTest}.
 */
class MysqlBackupOnProcessTest {

    @Test
    void backupAndRestoreAreRefusedNamingTheMissingToolAndLeaveTheDataAsItWas() throws Exception {
        MysqlProvider provider = new MysqlProvider();
        TenantRequest request = new TenantRequest("addon-app1", "app1", "test", "shared", true, "app1");
        try (ServerWithTools server = ServerWithTools.onProcess(provider, new MysqlUnderTest().processVersion())) {
            Binding app = provider.provision(request, server.access());

            assertThatThrownBy(() -> provider.backup(request, app, server.access(), server.tools(),
                    new ByteArrayOutputStream()))
                    .isInstanceOf(UnsupportedOperationAddonException.class)
                    .hasMessageContaining("have no 'mysqldump'")
                    .hasMessageContaining("container runtime");
            assertThatThrownBy(() -> provider.restore(request, app, server.access(), server.tools(),
                    new ByteArrayInputStream(new byte[0])))
                    .isInstanceOf(UnsupportedOperationAddonException.class)
                    .hasMessageContaining("Restoring MySQL tenant 'app1'")
                    .hasMessageContaining("its data is unchanged")
                    .hasMessageContaining("have no 'mysql'");
            assertThat(provider.hasData(request, app, server.access())).isFalse();
        }
    }
}
