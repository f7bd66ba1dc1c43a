package dev.addons.core;

import dev.addons.api.Credentials;
import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.Variable;
import dev.addons.api.Variant;
import dev.addons.api.spi.AddonProvider;
import dev.addons.api.spi.AddonVariables;
import dev.addons.api.spi.BackupCapability;
import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.Binding;
import dev.addons.api.spi.ConnectionLimitCapability;
import dev.addons.api.spi.ContainerRecipe;
import dev.addons.api.spi.ProcessRecipe;
import dev.addons.api.spi.ProviderDescriptor;
import dev.addons.api.spi.Secrets;
import dev.addons.api.spi.ServerAccess;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.api.spi.ServerRequest;
import dev.addons.api.spi.ServerTools;
import dev.addons.api.spi.TenantRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A test provider found through this module's test {@code META-INF/services}: its tenants live
 * in {@link FakeRuntime}'s in-memory servers. A tenant named {@code fail...} fails to provision.
 */
public class FakeProvider implements AddonProvider, BackupCapability, ConnectionLimitCapability {
    /** Every instance made, in order: for the test that an {@link Addons} closes the providers it loaded. */
    static final List<FakeProvider> MADE = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** How often {@link #close()} was called. */
    final java.util.concurrent.atomic.AtomicInteger closes = new java.util.concurrent.atomic.AtomicInteger();

    static final ProviderDescriptor DESCRIPTOR = ProviderDescriptor.builder("fakedb").aliases("fake")
            .description("A fake database for tests")
            .variant(Variant.small("Dedicated")).variant(Variant.sharedVariant("Shared"))
            .versions("1", "2").defaultVersion("2").build();

    public FakeProvider() {
        MADE.add(this);
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ServerDefinition server(ServerRequest request) {
        ProcessRecipe process = request.version().contains(":") ? null : ProcessRecipe.builder(
                        new BinaryDistribution("fake", List.of(Path.of("/nonexistent")), List.of("fake"), null),
                        c -> List.of("fake"))
                .stopSignal(ProcessRecipe.StopSignal.TERM)
                .stopTimeout(Duration.ofSeconds(1))
                .build();
        return new ServerDefinition("fakedb", request.version(), "admin", request.adminPassword(), process,
                ContainerRecipe.builder("fake:" + request.version(), 1, "/data").build(),
                server -> { }, Duration.ofSeconds(5));
    }

    @Override
    public Binding provision(TenantRequest request, ServerAccess server) {
        if (request.app().startsWith("fail")) {
            throw new ProvisioningException("tenant " + request.tenant() + " refused by the fake server");
        }
        String password = Secrets.password();
        FakeRuntime.tenants(server.serverId()).put(request.tenant(), password);
        if (request.shared()) {
            FakeRuntime.connectionLimits(server.serverId()).put(request.tenant(), request.connections());
        }
        return Binding.of("user", request.tenant(), "password", password);
    }

    /** As a server of 60 connections, 10 kept for the admin, would allow. */
    @Override
    public int maxTenantConnections() {
        return 50;
    }

    /** Changes the limit {@link #provision} recorded; a tenant the server does not have is an error. */
    @Override
    public void limitConnections(TenantRequest request, Binding binding, ServerAccess server) {
        if (!FakeRuntime.tenants(server.serverId()).containsKey(request.tenant())) {
            throw new ProvisioningException("no tenant " + request.tenant() + " on the fake server " + server.serverId());
        }
        FakeRuntime.connectionLimits(server.serverId()).put(request.tenant(), request.connections());
    }

    @Override
    public Credentials credentials(Binding binding, Endpoint endpoint) {
        return Credentials.of(
                Variable.secret("FAKE_URL", "fake://" + binding.require("user") + ":" + binding.require("password")
                        + "@" + endpoint),
                Variable.plain("FAKE_USER", binding.require("user")),
                Variable.plain("FAKE_PORT", Integer.toString(endpoint.port())));
    }

    @Override
    public Optional<AddonVariables> variables() {
        return Optional.of(AddonVariables.of("FAKE_URL", List.of("FAKE_URL", "FAKE_USER", "FAKE_PORT")));
    }

    /** Runs at the start of every {@link #deprovision}: for tests that watch deprovisions overlap. */
    static volatile Runnable beforeDeprovision = () -> { };

    @Override
    public void deprovision(TenantRequest request, Binding binding, ServerAccess server) {
        beforeDeprovision.run();
        FakeRuntime.tenants(server.serverId()).remove(request.tenant());
        FakeRuntime.connectionLimits(server.serverId()).remove(request.tenant());
    }

    /** A dump in format {@code copy} (written by tests only) restores only into its major version. */
    @Override
    public boolean versionBound(String payloadFormat) {
        return "copy".equals(payloadFormat);
    }

    /** Writes the tenant's rows as sorted {@code key=value} lines. */
    @Override
    public void backup(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            OutputStream out) {
        try {
            for (Map.Entry<String, String> row : new TreeMap<>(FakeRuntime.rows(server.serverId(), request.tenant()))
                    .entrySet()) {
                out.write((row.getKey() + "=" + row.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads every line first, so that a malformed dump changes nothing; then replaces the rows. */
    @Override
    public void restore(TenantRequest request, Binding binding, ServerAccess server, ServerTools tools,
            InputStream in) {
        Map<String, String> restored = new HashMap<>();
        try {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                int equals = line.indexOf('=');
                if (equals < 1) {
                    throw new ProvisioningException("malformed dump line: " + line);
                }
                restored.put(line.substring(0, equals), line.substring(equals + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> rows = FakeRuntime.rows(server.serverId(), request.tenant());
        synchronized (rows) {
            rows.clear();
            rows.putAll(restored);
        }
        FakeRuntime.afterRestore.run();
    }

    @Override
    public boolean hasData(TenantRequest request, Binding binding, ServerAccess server) {
        return !FakeRuntime.rows(server.serverId(), request.tenant()).isEmpty();
    }

    @Override
    public Map<String, String> summary(TenantRequest request, Binding binding, ServerAccess server) {
        return Map.of("rows", Integer.toString(FakeRuntime.rows(server.serverId(), request.tenant()).size()));
    }
}
