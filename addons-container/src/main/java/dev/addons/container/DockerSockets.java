package dev.addons.container;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Where Testcontainers' client discovery looks for a Docker API, looked at first and cheaply: the
 * socket of {@code DOCKER_HOST} (or {@code docker.host} in {@code ~/.testcontainers.properties}),
 * rootless Docker's, Docker Desktop's and {@code /var/run/docker.sock}. When no socket there takes
 * a connection, no endpoint can answer, and this says so in a few milliseconds, where
 * Testcontainers would print a multi-line ERROR report (and remember the failure for the JVM's
 * life). Only a sure "none" is answered: whatever this does not check (a TCP or SSH
 * {@code DOCKER_HOST}, {@code tc.host}, a strategy of the user's, {@code docker-machine}, a system
 * other than Linux or macOS) is left to Testcontainers. Immutable; thread-safe.
 */
final class DockerSockets {
    /** Testcontainers' own strategies, whose places this looks at; another one named in the settings is left to it. */
    private static final Set<String> KNOWN_STRATEGIES = Set.of(
            "org.testcontainers.dockerclient.EnvironmentAndSystemPropertyClientProviderStrategy",
            "org.testcontainers.dockerclient.UnixSocketClientProviderStrategy",
            "org.testcontainers.dockerclient.RootlessDockerClientProviderStrategy",
            "org.testcontainers.dockerclient.DockerDesktopClientProviderStrategy");

    private final Map<String, String> environment;
    private final Path userHome;
    private final String os;
    private final Path root;

    /**
     * Looks where Testcontainers would with {@code environment}'s variables, for a user whose home
     * is {@code userHome}, on the system {@code os} (as {@code os.name} says), whose file system
     * root is {@code root} (where {@code /var/run/docker.sock} is looked for).
     */
    DockerSockets(Map<String, String> environment, Path userHome, String os, Path root) {
        this.environment = Map.copyOf(environment);
        this.userHome = userHome;
        this.os = os.toLowerCase(Locale.ROOT);
        this.root = root;
    }

    /** This process's environment, {@code user.home} and system. */
    static DockerSockets ofThisProcess() {
        return new DockerSockets(System.getenv(), Path.of(System.getProperty("user.home")),
                System.getProperty("os.name", ""), Path.of("/"));
    }

    /**
     * Empty when an endpoint may answer, and Testcontainers' discovery is to find it; else where
     * this looked and found nothing listening, in one line.
     */
    Optional<String> whyNone() {
        Properties settings = testcontainersProperties();
        String strategy = setting("TESTCONTAINERS_DOCKER_CLIENT_STRATEGY", settings, "docker.client.strategy");
        if (settings.getProperty("tc.host") != null || (strategy != null && !KNOWN_STRATEGIES.contains(strategy))
                || !(os.contains("linux") || os.contains("mac")) || onPath("docker-machine")) {
            return Optional.empty();
        }
        Map<Path, String> sockets = new LinkedHashMap<>();
        String dockerHost = setting("DOCKER_HOST", settings, "docker.host");
        if (dockerHost != null) {
            if (!dockerHost.startsWith("unix://")) {
                return Optional.empty();
            }
            sockets.put(Path.of(URI.create(dockerHost).getPath()), "DOCKER_HOST");
        }
        String runtimeDirectory = environment.get("XDG_RUNTIME_DIR");
        if (runtimeDirectory != null && !runtimeDirectory.isBlank()) {
            sockets.putIfAbsent(Path.of(runtimeDirectory, "docker.sock"), "");
        }
        sockets.putIfAbsent(userHome.resolve(".docker/run/docker.sock"), "");
        uid().ifPresent(uid -> sockets.putIfAbsent(root.resolve("run/user").resolve(uid).resolve("docker.sock"), ""));
        sockets.putIfAbsent(root.resolve("var/run/docker.sock"), "");
        sockets.putIfAbsent(userHome.resolve(".docker/desktop/docker.sock"), "");
        List<String> looked = new ArrayList<>();
        for (Map.Entry<Path, String> socket : sockets.entrySet()) {
            Optional<String> refused = refusal(socket.getKey());
            if (refused.isEmpty()) {
                return Optional.empty();
            }
            looked.add((socket.getValue().isEmpty() ? "" : socket.getValue() + "=") + socket.getKey()
                    + (refused.get().isEmpty() ? "" : " (" + refused.get() + ")"));
        }
        return Optional.of("nothing listens at " + String.join(", ", looked));
    }

    /**
     * Empty when the socket takes a connection, or may (a connection pending, a listener busy);
     * else why not: {@code ""} when there is no such file, else the error (e.g. connection
     * refused: a socket file left by a service that stopped).
     */
    static Optional<String> refusal(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Non-blocking: a listener whose queue is full must not hold the caller.
            channel.configureBlocking(false);
            channel.connect(UnixDomainSocketAddress.of(socket));
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            if (!Files.exists(socket)) {
                return Optional.of("");
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return message.contains("temporarily unavailable") ? Optional.empty()
                    : Optional.of(message.toLowerCase(Locale.ROOT));
        }
    }

    private String setting(String variable, Properties settings, String property) {
        String value = environment.get(variable);
        if (value == null || value.isBlank()) {
            value = settings.getProperty(property);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** {@code ~/.testcontainers.properties}, as Testcontainers reads it; empty when it is missing or unreadable. */
    private Properties testcontainersProperties() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(userHome.resolve(".testcontainers.properties"))) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            // Testcontainers reads none either.
        }
        return properties;
    }

    private boolean onPath(String program) {
        String path = environment.getOrDefault("PATH", "");
        for (String directory : path.split(java.io.File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }

    /** This process's user id, as the owner of {@code /proc/self} (Linux); empty elsewhere. */
    private static Optional<String> uid() {
        try {
            return Optional.of(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
