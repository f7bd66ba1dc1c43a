package dev.addons.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProviderDescriptor;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.TenantRequest;
import dev.addons.testkit.ProviderServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Certificates made with {@code openssl}, and a MariaDB server serving TLS with one of them. */
final class MysqlTls {

    private MysqlTls() {
    }

    /** Makes a self-signed CA, NAME.crt and NAME.key in {@code dir}; returns the certificate. */
    static Path authority(Path dir, String name) throws Exception {
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".crt", "-days", "2", "-subj", "/CN=addons test " + name);
        return dir.resolve(name + ".crt");
    }

    /**
     * Makes server.crt, signed by the CA {@code ca} made by {@link #authority}, for 127.0.0.1 and
     * localhost, and its key server.key, in {@code dir}.
     */
    static void serverCertificate(Path dir, String ca) throws Exception {
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "basicConstraints=CA:FALSE\n");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
                "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
    }

    /**
     * A MariaDB server (version {@code 8} of the process runtime) in a home of its own serving TLS
     * with server.crt and server.key of {@code dir}, copied into its run directory (which only
     * its user may read) as it starts.
     */
    static ProviderServer server(Path dir) throws IOException {
        String certificate = Files.readString(dir.resolve("server.crt"));
        String key = Files.readString(dir.resolve("server.key"));
        return ProviderServer.start(new Serving(certificate, key), "8");
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }

    /** {@link MysqlProvider} whose process servers start with {@code --ssl-cert} and {@code --ssl-key}. */
    private record Serving(String certificate, String key) implements AddonProvider {
        private static final MysqlProvider MYSQL = new MysqlProvider();

        @Override
        public ServerDefinition server(ServerRequest request) {
            ServerDefinition plain = MYSQL.server(request);
            ProcessRecipe recipe = plain.process();
            ProcessRecipe.Launcher launcher = context -> {
                List<String> command = new ArrayList<>(recipe.launcher().command(context));
                command.add("--ssl-cert=" + context.writePrivateFile("server.crt", certificate));
                command.add("--ssl-key=" + context.writePrivateFile("server.key", key));
                return command;
            };
            ProcessRecipe tls = recipe.toBuilder().launcher(launcher).build();
            return new ServerDefinition(plain.engine(), plain.version(), plain.adminUser(), plain.adminPassword(), tls,
                    plain.container(), plain.readiness(), plain.startTimeout());
        }

        @Override
        public ProviderDescriptor descriptor() {
            return MYSQL.descriptor();
        }

        @Override
        public Binding provision(TenantRequest request, ServerAccess server) {
            return MYSQL.provision(request, server);
        }

        @Override
        public Credentials credentials(Binding binding, Endpoint endpoint) {
            return MYSQL.credentials(binding, endpoint);
        }

        @Override
        public void deprovision(TenantRequest request, Binding binding, ServerAccess server) {
            MYSQL.deprovision(request, binding, server);
        }
    }
}
