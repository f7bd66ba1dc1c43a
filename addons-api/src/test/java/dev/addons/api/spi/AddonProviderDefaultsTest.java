package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.Variant;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A provider and a process context that implement only what they must: a provider has the
 * capabilities it implements and no other; what a process context does not offer is refused with
 * addons' own exception, naming the context and what it cannot do.
 */
class AddonProviderDefaultsTest {
    private final AddonProvider minimal = new Minimal();

    @Test
    void aProviderHasOnlyTheCapabilitiesItImplements() {
        assertThat(minimal.capability(BackupCapability.class)).isEmpty();
        assertThat(minimal.capability(TenantCopyCapability.class)).isEmpty();
        assertThat(minimal.capability(ConnectionLimitCapability.class)).isEmpty();

        Copying copying = new Copying();
        assertThat(copying.capability(TenantCopyCapability.class)).containsSame(copying);
        assertThat(copying.capability(BackupCapability.class)).isEmpty();
    }

    @Test
    void aProviderMayWithholdACapabilityOfTheClassItExtends() {
        AddonProvider withheld = new Copying() {
            @Override
            public <T extends Capability> java.util.Optional<T> capability(Class<T> type) {
                return type == TenantCopyCapability.class ? java.util.Optional.empty() : super.capability(type);
            }
        };

        assertThat(withheld.capability(TenantCopyCapability.class)).isEmpty();
    }

    @Test
    void askingForNoCapabilityIsAMisuse() {
        assertThatThrownBy(() -> minimal.capability(null))
                .isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("type == null");
    }

    @Test
    void closingAProviderThatKeepsNothingDoesNothing() {
        minimal.close();
        minimal.close();

        assertThat(minimal.descriptor().versions()).containsExactly("1");
    }

    @Test
    void whatAProcessContextDoesNotOfferIsRefusedNamingItAndWhat() {
        ProcessContext context = new MinimalContext();

        assertThatThrownBy(context::distribution)
                .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessage("not supported: the process context " + MinimalContext.class.getName()
                        + " does not tell which distribution the server runs from");
        assertThatThrownBy(() -> context.run(List.of("postgres", "--single"), "select 1"))
                .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessage("not supported: the process context " + MinimalContext.class.getName()
                        + " does not feed standard input to commands (asked to run postgres)");
    }

    /** A minimal provider that copies tenants. */
    private static class Copying extends Minimal implements TenantCopyCapability {
        @Override
        public Binding provisionCopy(TenantRequest request, TenantRequest source, Binding sourceBinding,
                ServerAccess server) {
            throw new AssertionError("not asked");
        }
    }

    /** Only the abstract methods. */
    private static class Minimal implements AddonProvider {
        @Override
        public ProviderDescriptor descriptor() {
            return ProviderDescriptor.builder("minimal").description("nothing but the abstract methods")
                    .variant(Variant.small("Dedicated")).versions("1").defaultVersion("1").build();
        }

        @Override
        public ServerDefinition server(ServerRequest request) {
            throw new AssertionError("not asked");
        }

        @Override
        public Binding provision(TenantRequest request, ServerAccess server) {
            throw new AssertionError("not asked");
        }

        @Override
        public Credentials credentials(Binding binding, Endpoint endpoint) {
            throw new AssertionError("not asked");
        }

        @Override
        public void deprovision(TenantRequest request, Binding binding, ServerAccess server) {
        }
    }

    /** Only the abstract methods. */
    private static final class MinimalContext implements ProcessContext {
        @Override
        public Path binary(String name) {
            return Path.of("/nonexistent", name);
        }

        @Override
        public Path dataDirectory() {
            return Path.of("/nonexistent/data");
        }

        @Override
        public Path runDirectory() {
            return Path.of("/nonexistent/run");
        }

        @Override
        public Endpoint endpoint() {
            return new Endpoint("127.0.0.1", 1);
        }

        @Override
        public Path writePrivateFile(String name, String content) {
            throw new AssertionError("not asked");
        }

        @Override
        public void run(List<String> command) {
            throw new AssertionError("not asked");
        }
    }
}
