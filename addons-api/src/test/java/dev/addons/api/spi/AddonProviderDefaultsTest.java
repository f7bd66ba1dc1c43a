package dev.addons.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.UnsupportedOperationAddonException;
import dev.addons.api.Variant;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A provider and a process context that implement only what they must: what they do not offer is
 * refused with addons' own exception, naming the provider or context and what it cannot do.
 */
class AddonProviderDefaultsTest {
    private final AddonProvider minimal = new Minimal();
    private final TenantRequest request = new TenantRequest("a1", "app", "production", "small", false, "app");
    private final Binding binding = Binding.of("k", "v");

    @Test
    void whatAProviderDoesNotOfferIsRefusedNamingItAndWhat() {
        assertThatThrownBy(() -> minimal.limitConnections(request, binding, null))
                .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessage("not supported: minimal limits no tenant's connections");
        assertThatThrownBy(() -> minimal.backup(request, binding, null, null, new ByteArrayOutputStream()))
                .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessage("not supported: backups of minimal are not implemented");
        assertThatThrownBy(() -> minimal.restore(request, binding, null, null, new ByteArrayInputStream(new byte[0])))
                .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessage("not supported: backups of minimal are not implemented");
        assertThatThrownBy(() -> minimal.summary(request, binding, null))
                .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessage("not supported: minimal cannot summarize its data");
        assertThatThrownBy(() -> minimal.provisionCopy(request, request, binding, null))
                .isExactlyInstanceOf(UnsupportedOperationAddonException.class)
                .hasMessage("not supported: minimal cannot copy a tenant");
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

    /** Only the abstract methods. */
    private static final class Minimal implements AddonProvider {
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
