package dev.addons.container;

import com.github.dockerjava.api.exception.DockerException;
import dev.addons.api.Endpoint;
import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.ServerDefinition;
import dev.addons.container.ContainerStart.HostPorts;
import dev.addons.core.runtime.Availability;
import dev.addons.core.runtime.DataFileNotReplacedException;
import dev.addons.core.runtime.Placement;
import dev.addons.core.runtime.ProgressListener;
import dev.addons.core.runtime.RunningServer;
import dev.addons.core.runtime.RuntimeChecks;
import dev.addons.core.runtime.ServerRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code container} runtime: runs each server as a container of the image its provider's
 * {@link dev.addons.api.spi.ContainerRecipe} names (the engine's official image, or a custom
 * reference), through whatever Docker-API endpoint the user has (Docker, or Podman's service;
 * see {@link DockerApi}). Per server: a container and a named data volume (so the container can be
 * replaced without losing data, see {@link #restart}); per app a network of its own, and one for
 * the home's shared servers, so one app's containers cannot reach another app's; ports published
 * on 127.0.0.1 only, where readiness is checked and clients connect. Containers, volumes and
 * networks carry labels naming the addons home, server, addon, app and environment (see
 * {@link ContainerNames}), and outlive the JVM: any later runtime on the same home finds them by
 * name from the {@link RunningServer}. A missing image is pulled before anything is created, so
 * an image that cannot be had fails the start with its name and leaves nothing behind.
 *
 * <p>Thread-safe; starts of different servers may run concurrently, also from several JVMs.
 */
public final class ContainerRuntime implements ServerRuntime {
    /** This runtime's name. */
    public static final String NAME = "container";

    private static final int PORT_ATTEMPTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ContainerRuntime.class);
    private static final int STOP_TIMEOUT_SECONDS = 10;

    private final DockerApi docker;
    private final ContainerNames names;
    private final Networks networks;
    private final Images images;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A runtime for the servers of {@code home}, through {@code docker}, which it closes on {@link #close()}. */
    public ContainerRuntime(Path home, DockerApi docker) {
        this.docker = docker;
        this.names = new ContainerNames(home);
        this.networks = new Networks(docker, names);
        this.images = new Images(docker);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Where the Docker API is and what answers there. */
    public String endpoint() {
        return docker.description();
    }

    /** INSTALLED for a local image, DOWNLOADABLE when its registry answers, else UNAVAILABLE naming the image. */
    @Override
    public Availability availability(ServerDefinition definition) {
        try {
            return images.availability(definition.container().image());
        } catch (DockerException e) {
            return new Availability(Availability.State.UNAVAILABLE, "the Docker API at " + docker.description()
                    + " failed: " + e.getMessage());
        }
    }

    /** Pulls the image unless it is local; an image no registry has is refused as invalid. */
    @Override
    public void obtain(ServerDefinition definition, String subject, ProgressListener progress) {
        requireOpen();
        images.obtain(definition.container().image(), subject, progress);
    }

    @Override
    public RunningServer start(String serverId, ServerDefinition definition, Placement placement,
            ProgressListener progress) {
        requireOpen();
        RuntimeChecks.serverId(serverId);
        String image = definition.container().image();
        LOG.info("{} - Starting {} from image {} ...", serverId, definition.engine(), image);
        try {
            images.require(image, serverId, progress);
            ContainerRecord record = ContainerRecord.of(names, serverId, image, placement);
            return startOnFreePorts(record, definition, progress);
        } catch (DockerException e) {
            throw new ProvisioningException("Could not start " + definition.engine() + " " + definition.version()
                    + " as server '" + serverId + "' with the container runtime: " + e.getMessage(), e);
        }
    }

    /**
     * Stops and removes the server's container and creates a new one from the image (pulled first
     * if it is not local) on the same volume and network, published on the same ports when they
     * are free. The data is kept whatever happens.
     */
    @Override
    public RunningServer restart(RunningServer server, ServerDefinition definition, ProgressListener progress) {
        requireOpen();
        ContainerRecord old = ContainerRecord.of(server, names);
        ContainerRecord record = ContainerRecord.of(names, server.serverId(), definition.container().image(),
                old.placement());
        try {
            images.require(record.image(), server.serverId(), progress);
            LOG.info("{} - Replacing container {} ...", server.serverId(), record.container());
            Containers.stop(docker, record.container(), STOP_TIMEOUT_SECONDS);
            Containers.remove(docker, record.container());
            try {
                return new ContainerStart(docker, networks, names, definition, record, progress)
                        .run(false, HostPorts.of(server));
            } catch (ProvisioningException e) {
                if (!portTaken(e)) {
                    throw e;
                }
                // The old ports were taken meanwhile: any free ones do, and the variables follow.
                LOG.info("{} - Could not start on the former ports ({}); trying any free ones", server.serverId(),
                        e.getMessage().lines().findFirst().orElse(""));
                return new ContainerStart(docker, networks, names, definition, record, progress)
                        .run(false, HostPorts.free(definition.container()));
            }
        } catch (DockerException e) {
            throw new ProvisioningException("Could not restart server '" + server.serverId() + "': " + e.getMessage(),
                    e);
        }
    }

    /** Whether a start failed because a host port it asked for is in use (Podman's and Docker's words). */
    /**
     * Starts a new server on ports chosen here ({@link HostPorts#free}); when another program
     * binds one of them first, on others. A failed start removes what it made, so each attempt
     * starts clean.
     */
    private RunningServer startOnFreePorts(ContainerRecord record, ServerDefinition definition,
            ProgressListener progress) {
        for (int attempt = 1;; attempt++) {
            try {
                return new ContainerStart(docker, networks, names, definition, record, progress)
                        .run(true, HostPorts.free(definition.container()));
            } catch (ProvisioningException e) {
                if (attempt == PORT_ATTEMPTS || !portTaken(e)) {
                    throw e;
                }
                LOG.info("{} - A chosen port was taken before the container bound it; choosing others",
                        record.serverId());
            }
        }
    }

    private static boolean portTaken(ProvisioningException e) {
        String message = e.getMessage().toLowerCase(java.util.Locale.ROOT);
        return message.contains("address already in use") || message.contains("port is already allocated");
    }

    /** The engine's own port inside the container, where tools run by {@link #exec} reach it. */
    @Override
    public Endpoint toolEndpoint(RunningServer server, ServerDefinition definition) {
        return new Endpoint("127.0.0.1", definition.container().port());
    }

    /** Runs the tool inside the server's container ({@code docker exec}), as the image's user. */
    @Override
    public void exec(RunningServer server, ServerDefinition definition, List<String> command,
            Map<String, String> environment, InputStream stdin, OutputStream stdout) {
        requireOpen();
        ContainerRecord record = ContainerRecord.of(server, names);
        try {
            ContainerFiles.exec(docker, record.container(), "server '" + server.serverId() + "' (" + record.image()
                    + ")", command, environment, stdin, stdout);
        } catch (DockerException e) {
            throw new ProvisioningException("Could not run " + command.get(0) + " in server '" + server.serverId()
                    + "': " + e.getMessage(), e);
        }
    }

    /**
     * Stops the container, keeps a copy of the old file, copies the new one into the volume with
     * the old one's owner and mode, and replaces the container as {@link #restart} does. When the
     * new container does not get ready, the old file goes back into the volume (through a
     * container that never runs the engine) and the server is started on it again.
     */
    @Override
    public RunningServer replaceDataFile(RunningServer server, ServerDefinition definition, String relativePath,
            InputStream content, ProgressListener progress) {
        requireOpen();
        ContainerRecord record = ContainerRecord.of(server, names);
        String dataPath = definition.container().dataPath();
        String path = dataPath + "/" + RuntimeChecks.dataFile(relativePath);
        String directory = path.substring(0, path.lastIndexOf('/'));
        String name = path.substring(path.lastIndexOf('/') + 1);
        Path incoming = null;
        Path old = null;
        try {
            incoming = privateTempFile();
            old = privateTempFile();
            try (OutputStream out = Files.newOutputStream(incoming)) {
                content.transferTo(out);
            }
            LOG.info("{} - Stopping container {} to replace {} ...", server.serverId(), record.container(),
                    relativePath);
            Containers.stop(docker, record.container(), STOP_TIMEOUT_SECONDS);
            Optional<ContainerFiles.Owner> owner = ContainerFiles.copyOut(docker, record.container(), path, old);
            ContainerFiles.copyIn(docker, record.container(), directory, name, incoming,
                    owner.orElse(ContainerFiles.Owner.ROOT_READABLE));
            try {
                return restart(server, definition, progress);
            } catch (ProvisioningException e) {
                LOG.warn("{} - Did not start on the new {}; putting the old one back", server.serverId(),
                        relativePath);
                String message = "Server '" + server.serverId() + "' did not start on the new " + relativePath
                        + "; the old one is back in place: " + e.getMessage();
                RunningServer again;
                try {
                    putBack(record, dataPath, path, directory, name, old, owner);
                    again = restart(server, definition, progress);
                } catch (RuntimeException | IOException failure) {
                    e.addSuppressed(failure);
                    throw new ProvisioningException(message, e);
                }
                // A new container, possibly on other ports.
                throw new DataFileNotReplacedException(message, again, e);
            }
        } catch (IOException | DockerException e) {
            throw new ProvisioningException("Could not replace " + relativePath + " of server '" + server.serverId()
                    + "': " + e.getMessage(), e);
        } finally {
            deleteQuietly(incoming);
            deleteQuietly(old);
        }
    }

    /** Puts the old file (or its absence) back into the volume through a carrier container. */
    private void putBack(ContainerRecord record, String dataPath, String path, String directory, String name,
            Path old, Optional<ContainerFiles.Owner> owner) throws IOException {
        Containers.remove(docker, record.container());
        String carrier = record.container() + "-carrier";
        Containers.remove(docker, carrier);
        List<String> command = owner.isPresent() ? List.of("true") : List.of("rm", "-f", path);
        ContainerFiles.carrier(docker, record.image(), record.volume(), dataPath, carrier, command);
        try {
            if (owner.isPresent()) {
                ContainerFiles.copyIn(docker, carrier, directory, name, old, owner.get());
            } else {
                ContainerFiles.runOnce(docker, carrier);
            }
        } finally {
            Containers.remove(docker, carrier);
        }
    }

    private static Path privateTempFile() throws IOException {
        return Files.createTempFile("addons-data-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.debug("Cannot delete {}", file, e);
            }
        }
    }

    /**
     * Lists the containers and volumes labelled with this home, removes those of servers
     * {@code isKnown} rejects, then the home's networks no container uses any more.
     */
    @Override
    public List<String> removeStrays(java.util.function.Predicate<String> isKnown) {
        requireOpen();
        String home = names.home().toString();
        try {
            Map<String, List<String>> containers = new java.util.TreeMap<>();
            for (com.github.dockerjava.api.model.Container container : docker.client().listContainersCmd()
                    .withShowAll(true).withLabelFilter(Map.of(ContainerNames.HOME, home)).exec()) {
                String serverId = container.getLabels().get(ContainerNames.SERVER);
                if (serverId != null) {
                    containers.computeIfAbsent(serverId, id -> new java.util.ArrayList<>()).add(container.getId());
                }
            }
            Map<String, List<String>> volumes = new java.util.TreeMap<>();
            List<com.github.dockerjava.api.command.InspectVolumeResponse> listed = docker.client().listVolumesCmd()
                    .withFilter("label", List.of(ContainerNames.filter(ContainerNames.HOME, home))).exec().getVolumes();
            for (com.github.dockerjava.api.command.InspectVolumeResponse volume : listed == null ? List
                    .<com.github.dockerjava.api.command.InspectVolumeResponse>of() : listed) {
                String serverId = volume.getLabels() == null ? null : volume.getLabels().get(ContainerNames.SERVER);
                if (serverId != null) {
                    volumes.computeIfAbsent(serverId, id -> new java.util.ArrayList<>()).add(volume.getName());
                }
            }
            java.util.Set<String> held = new java.util.TreeSet<>(containers.keySet());
            held.addAll(volumes.keySet());
            List<String> removed = new java.util.ArrayList<>();
            for (String serverId : held) {
                if (isKnown.test(serverId)) {
                    continue;
                }
                LOG.warn("{} - Removing stray server {}: containers {}, volumes {} (no record names it)", home,
                        serverId, containers.getOrDefault(serverId, List.of()), volumes.getOrDefault(serverId,
                                List.of()));
                for (String container : containers.getOrDefault(serverId, List.of())) {
                    Containers.remove(docker, container);
                }
                for (String volume : volumes.getOrDefault(serverId, List.of())) {
                    Containers.removeVolume(docker, volume);
                }
                removed.add(serverId);
            }
            networks.removeUnused();
            return removed;
        } catch (DockerException e) {
            throw new ProvisioningException("Could not look for stray servers of " + home + " through the Docker API at "
                    + docker.description() + ": " + e.getMessage(), e);
        }
    }

    /** Stops the container with its image's stop signal; container and volume are kept for {@link #restart}. */
    @Override
    public void stop(RunningServer server) {
        requireOpen();
        ContainerRecord record = ContainerRecord.of(server, names);
        try {
            LOG.info("{} - Stopping container {}; its volume is kept", server.serverId(), record.container());
            Containers.stop(docker, record.container(), STOP_TIMEOUT_SECONDS);
        } catch (DockerException e) {
            throw new ProvisioningException("Could not stop server '" + server.serverId() + "': " + e.getMessage(), e);
        }
    }

    /** Whether the server's data volume still exists. */
    @Override
    public boolean hasData(RunningServer server) {
        ContainerRecord record = ContainerRecord.of(server, names);
        try {
            return Containers.volumeExists(docker, record.volume());
        } catch (DockerException e) {
            throw new ProvisioningException("Cannot check the volume of server '" + server.serverId()
                    + "' through the Docker API at " + docker.description() + ": " + e.getMessage(), e);
        }
    }

    /** The container's last log lines (the engine's output), when the container still exists. */
    @Override
    public String logTail(RunningServer server, int lines) {
        ContainerRecord record = ContainerRecord.of(server, names);
        try {
            return Containers.logTail(docker, record.container(), lines);
        } catch (DockerException e) {
            return "(its log cannot be read through the Docker API: " + e.getMessage() + ")";
        }
    }

    @Override
    public boolean isRunning(RunningServer server) {
        ContainerRecord record = ContainerRecord.of(server, names);
        try {
            return Containers.running(docker, record.container()).orElse(false);
        } catch (DockerException e) {
            throw new ProvisioningException("Cannot check server '" + server.serverId() + "' through the Docker API at "
                    + docker.description() + ": " + e.getMessage(), e);
        }
    }

    /** Removes the container, its data volume, and its network when no other container of the home uses it. */
    @Override
    public void destroy(RunningServer server) {
        ContainerRecord record = ContainerRecord.of(server, names);
        long begin = System.nanoTime();
        try {
            boolean container = Containers.remove(docker, record.container());
            boolean volume = Containers.removeVolume(docker, record.volume());
            networks.removeIfUnused(record.placement());
            if (container || volume) {
                LOG.info("{} - Destroyed container {} and volume {} in {} ms", server.serverId(), record.container(),
                        record.volume(), (System.nanoTime() - begin) / 1_000_000);
            } else {
                LOG.debug("{} - Already gone", server.serverId());
            }
        } catch (DockerException e) {
            throw new ProvisioningException("Could not destroy server '" + server.serverId() + "' (container "
                    + record.container() + ", volume " + record.volume() + "): " + e.getMessage(), e);
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the container runtime is closed");
        }
    }

    /** Closes the Docker client; containers keep running. Idempotent. */
    @Override
    public void close() {
        if (!closed.getAndSet(true)) {
            docker.close();
        }
    }
}
