package dev.addons.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.VersionComponent;
import dev.addons.api.ProvisioningException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;

/**
 * A connection to the Docker API the user has: found the way Testcontainers finds it
 * ({@code DOCKER_HOST}, {@code ~/.testcontainers.properties}, the usual Docker sockets), but
 * without {@code DockerClientFactory.client()}, which also starts Testcontainers' resource reaper:
 * this runtime's containers are long-lived servers, not test fixtures, and must outlive the JVM.
 * Where no socket Testcontainers would try takes a connection ({@link DockerSockets}), it fails at
 * once, without running Testcontainers' discovery and its ERROR report. Knows whether the engine
 * is Podman, whose networks need an option to be isolated from each other. Thread-safe;
 * {@link #close()} closes the client.
 */
public final class DockerApi implements AutoCloseable {
    /** How long finding an endpoint may take when the container runtime is asked for by name. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private final DockerClient client;
    private final URI endpoint;
    private final String engine;
    private final boolean podman;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DockerApi(DockerClient client, URI endpoint, String engine, boolean podman) {
        this.client = client;
        this.endpoint = endpoint;
        this.engine = engine;
        this.podman = podman;
    }

    /**
     * Finds a Docker-API endpoint that answers within {@code timeout}; throws
     * {@link ProvisioningException} saying what to do when none does.
     */
    public static DockerApi connect(Duration timeout) {
        try {
            return find(timeout);
        } catch (NotFound e) {
            throw new ProvisioningException("No Docker-API endpoint answered (" + e.getMessage() + "). The container "
                    + "runtime needs Docker, or Podman's service: set DOCKER_HOST, e.g. "
                    + "DOCKER_HOST=unix:///run/podman/podman.sock after `systemctl start podman.socket`, or use the "
                    + "process runtime", e.getCause());
        }
    }

    /** {@link #connect}, failing with why no endpoint answered, in one line. */
    static DockerApi find(Duration timeout) throws NotFound {
        Optional<String> none = DockerSockets.ofThisProcess().whyNone();
        if (none.isPresent()) {
            throw new NotFound(none.get(), null);
        }
        CompletableFuture<DockerApi> found = new CompletableFuture<>();
        Thread probe = new Thread(() -> {
            try {
                found.complete(discover());
            } catch (RuntimeException | Error e) {
                found.completeExceptionally(e);
            }
        }, "addons-docker-probe");
        probe.setDaemon(true);
        probe.start();
        try {
            return found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // A late answer must not leak a client.
            found.thenAccept(DockerApi::close);
            throw new NotFound("no answer within " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new NotFound(firstLine(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotFound("interrupted", e);
        }
    }

    /** No Docker-API endpoint answered; the message says why in one line. */
    static final class NotFound extends Exception {
        private static final long serialVersionUID = 1L;

        NotFound(String why, Throwable cause) {
            super(why, cause);
        }
    }

    private static DockerApi discover() {
        List<DockerClientProviderStrategy> strategies = ServiceLoader
                .load(DockerClientProviderStrategy.class, DockerClientProviderStrategy.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get).toList();
        DockerClientProviderStrategy strategy = DockerClientProviderStrategy.getFirstValidStrategy(strategies);
        DockerClient client = strategy.getDockerClient();
        Version version = client.versionCmd().exec();
        String engine = engineOf(version);
        return new DockerApi(client, strategy.getTransportConfig().getDockerHost(), engine,
                engine.startsWith("Podman"));
    }

    private static String engineOf(Version version) {
        List<VersionComponent> components = version.getComponents();
        if (components != null && !components.isEmpty()) {
            return components.get(0).getName() + " " + components.get(0).getVersion();
        }
        return "Docker Engine " + version.getVersion();
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /** The client, for this runtime and for tests that check its work; never closed by callers. */
    public DockerClient client() {
        return client;
    }

    /** Whether the engine is Podman. */
    boolean isPodman() {
        return podman;
    }

    /** Where the endpoint is and what answers there, e.g. {@code unix:///run/podman/podman.sock (Podman Engine 4.3.1)}. */
    public String description() {
        return endpoint + " (" + engine + ")";
    }

    /** Closes the client. Idempotent. */
    @Override
    public void close() {
        if (!closed.getAndSet(true)) {
            try {
                client.close();
            } catch (IOException e) {
                // Nothing to keep: the connection is gone either way.
            }
        }
    }
}
