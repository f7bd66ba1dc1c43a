package dev.addons.toy;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.ServiceBinding;
import dev.addons.api.Variable;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ProcessContext;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProviderDescriptor;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.TenantRequest;
import dev.addons.api.spi.Urls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code toy} addon: {@link ToyServer}, a key-value server, run by the process runtime as a
 * JVM of its own ({@code java} of the JVM running addons), dedicated ({@code small}) or shared.
 * Each app's tenant is a user of its own on the server, with a random password. Its variables are
 * {@code TOY_URL} ({@code toy://user:password@host:port}), {@code TOY_HOST}, {@code TOY_PORT},
 * {@code TOY_USER} and {@code TOY_PASSWORD}, declared with {@code TOY_URL} as the primary URL, and
 * it maps them to the properties {@code toy.url} and {@code toy.username}.
 *
 * <p>Everything addons knows of this engine is here and in this module's
 * {@code META-INF/services}: core, the JUnit extension and the CLI name no engine. It has no
 * capability ({@link dev.addons.api.spi.Capability}): no backups, so a destroy takes no final
 * backup. Stateless and thread-safe; the no-arg constructor does nothing.
 */
public final class ToyProvider implements AddonProvider {
    static final String NAME = "toy";
    static final AddonVariables VARIABLES = AddonVariables.of("TOY_URL",
            List.of("TOY_URL", "TOY_HOST", "TOY_PORT", "TOY_USER", "TOY_PASSWORD"));
    static final ProviderDescriptor DESCRIPTOR = ProviderDescriptor.builder(NAME)
            .description("A toy key-value server, for tests")
            .variant(Variant.small("Dedicated server"))
            .variant(Variant.sharedVariant("A user of its own on a shared server"))
            .versions("1", "2")
            .defaultVersion("2")
            .build();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** Creates the provider; does no I/O. */
    public ToyProvider() {
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Optional<String> tenantNameProblem(String tenant) {
        return tenant.equals(ToyServer.ADMIN) ? Optional.of("which the toy server keeps for its administrator")
                : Optional.empty();
    }

    @Override
    public ServerDefinition server(ServerRequest request) {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        ProcessRecipe process = ProcessRecipe.builder(
                        new BinaryDistribution("Java " + Runtime.version().feature() + " running the toy server",
                                List.of(javaBin), List.of("java"), null),
                        context -> launch(context, request.version(), request.adminPassword()))
                .stopSignal(ProcessRecipe.StopSignal.TERM)
                .stopTimeout(STOP_TIMEOUT)
                .build();
        // There is no toy image: the container runtime cannot run it, as list-available says.
        ContainerRecipe container = ContainerRecipe.builder("localhost/addons-toy:" + request.version(), 7070, "/data")
                .build();
        return new ServerDefinition(NAME, request.version(), ToyServer.ADMIN, request.adminPassword(), process,
                container, server -> {
                    try (ToyClient admin = admin(server)) {
                        admin.call("PING");
                    }
                }, START_TIMEOUT);
    }

    /**
     * Copies the server's class next to it (the engine's user may not read this JVM's class path),
     * writes its configuration (the admin's password with it, owner-only) and gives its command.
     */
    private static List<String> launch(ProcessContext context, String version, String adminPassword)
            throws IOException {
        Path classes = context.runDirectory().resolve("classes");
        Path packageDir = classes.resolve(ToyServer.class.getPackageName().replace('.', '/'));
        Files.createDirectories(packageDir);
        for (String file : ToyServer.classFiles()) {
            try (InputStream in = ToyServer.class.getResourceAsStream(file)) {
                Files.copy(in, packageDir.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path config = context.writePrivateFile("toy.properties", "host=" + context.endpoint().host() + "\nport="
                + context.endpoint().port() + "\ndata=" + context.dataDirectory() + "\nversion=" + version
                + "\nadmin-password=" + adminPassword + "\n");
        return List.of(context.binary("java").toString(), "-XX:-UsePerfData", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xmx32m", "-cp", classes.toString(), ToyServer.class.getName(),
                "--config", config.toString());
    }

    @Override
    public Binding provision(TenantRequest request, ServerAccess server) {
        String password = Secrets.password();
        try (ToyClient admin = admin(server)) {
            admin.require("ADDUSER " + request.tenant() + " " + password);
            String version = admin.call("VERSION");
            return Binding.of("user", request.tenant(), "password", password, "serverVersion",
                    version.substring(version.indexOf(' ') + 1));
        } catch (IOException e) {
            throw new ProvisioningException("Provisioning the toy user " + request.tenant() + " on "
                    + server.endpoint() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Credentials credentials(Binding binding, Endpoint endpoint) {
        String user = binding.require("user");
        String password = binding.require("password");
        String url = "toy://" + Urls.encode(user) + ":" + Urls.encode(password) + "@" + Urls.host(endpoint.host())
                + ":" + endpoint.port();
        return Credentials.of(
                Variable.secret("TOY_URL", url),
                Variable.plain("TOY_HOST", endpoint.host()),
                Variable.plain("TOY_PORT", Integer.toString(endpoint.port())),
                Variable.plain("TOY_USER", user),
                Variable.secret("TOY_PASSWORD", password))
                .withServiceBinding(ServiceBinding.of("toy", endpoint).with("username", user)
                        .with("password", password).with("uri", url));
    }

    @Override
    public Optional<AddonVariables> variables() {
        return Optional.of(VARIABLES);
    }

    @Override
    public Map<String, String> springBootProperties(Credentials credentials) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("toy.url", credentials.get("TOY_URL").orElseThrow());
        properties.put("toy.username", credentials.get("TOY_USER").orElseThrow());
        return properties;
    }

    @Override
    public void deprovision(TenantRequest request, Binding binding, ServerAccess server) {
        try (ToyClient admin = admin(server)) {
            admin.require("DELUSER " + request.tenant());
        } catch (IOException e) {
            throw new ProvisioningException("Removing the toy user " + request.tenant() + " from "
                    + server.endpoint() + " failed: " + e.getMessage(), e);
        }
    }

    private static ToyClient admin(ServerAccess server) throws IOException {
        return ToyClient.connect(server.endpoint().host(), server.endpoint().port(), server.adminUser(),
                server.adminPassword());
    }
}
