package dev.addons.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EngineUserTest {
    private static final List<String> INITDB = List.of("/usr/lib/postgresql/15/bin/initdb", "-D", "/data");

    @Test
    void aUserNamespaceRunsTheCommandThroughUnshare() {
        assertThat(EngineUser.userNamespace().wrap(INITDB))
                .containsExactly("unshare", "-U", "/usr/lib/postgresql/15/bin/initdb", "-D", "/data");
    }

    @Test
    void theCurrentUserRunsTheCommandAsItIs() {
        assertThat(EngineUser.currentUser().wrap(INITDB)).isEqualTo(INITDB);
    }

    @Test
    void rootGetsAUserNamespaceAndEveryoneElseRunsDirectly() {
        boolean root = "root".equals(System.getProperty("user.name"));

        assertThat(EngineUser.effectiveUid() == 0).isEqualTo(root);
        assertThat(EngineUser.forThisProcess().wrap(INITDB).get(0)).isEqualTo(root ? "unshare" : INITDB.get(0));
    }
}
