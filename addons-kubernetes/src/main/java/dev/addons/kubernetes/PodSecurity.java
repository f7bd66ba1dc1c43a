package dev.addons.kubernetes;

import dev.addons.api.spi.ContainerRecipe;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a server's pod runs its image without root: the user and group, whether the root file
 * system is read-only, where the data volume goes, which directories the engine writes besides
 * its data (each an {@code emptyDir}), and the plain (non-secret) variables and arguments that
 * put the engine's data directory where its user creates it. Immutable.
 *
 * <p>The official images' entrypoints start as root, give the data directory to the engine's
 * user and drop to it; started as that user directly, they skip both steps, so the user must be
 * the one the image was built with and everything it writes must be writable to it. The pod's
 * {@code fsGroup} gives the volume's root to the group; an engine then makes its own data
 * directory under it, owned by its user, as PostgreSQL's initdb insists and as a volume's
 * {@code lost+found} would otherwise be in the way of PostgreSQL's and MySQL's initialisation.
 *
 * @param runAs                  the user and group of every container of the pod
 * @param readOnlyRootFilesystem whether the image's file system is mounted read-only
 * @param volumePath             where the data volume is mounted
 * @param volumeSubPath          the directory of the volume mounted there; empty for its root
 * @param scratchPaths           directories the engine writes outside its data, each an emptyDir
 * @param environment            variables with plain values, set over the recipe's
 * @param arguments              arguments after the recipe's command
 */
record PodSecurity(RunAs runAs, boolean readOnlyRootFilesystem, String volumePath, String volumeSubPath,
        List<String> scratchPaths, Map<String, String> environment, List<String> arguments) {

    /*
     * Users and paths from the images' Dockerfiles and entrypoints (docker-library postgres,
     * mysql, rabbitmq and memcached, valkey-io/valkey-container), Debian, Ubuntu and Oracle Linux
     * variants, the ones the providers' versions name; the Alpine variants' ids differ (postgres
     * alpine: 70), and need kubernetes.runAs.<engine>.
     */
    private static final RunAs IMAGE_USER = new RunAs(999, 999);
    private static final Map<String, PodSecurity> OFFICIAL = Map.of(
            // Not PGDATA=/var/lib/postgresql/data: images before 18 declare that path a VOLUME,
            // which container runtimes back with a throwaway directory when no pod volume is
            // mounted exactly there. 18's VOLUME is /var/lib/postgresql itself.
            "postgresql", official(IMAGE_USER, "/var/lib/postgresql", List.of("/tmp", "/var/run/postgresql"),
                    Map.of("PGDATA", "/var/lib/postgresql/pgdata"), List.of()),
            // The entrypoint reads the data directory from mysqld's options and makes it.
            "mysql", official(IMAGE_USER, "/var/lib/mysql", List.of("/tmp", "/var/run/mysqld"), Map.of(),
                    List.of("--datadir=/var/lib/mysql/data")),
            "valkey", official(IMAGE_USER, "/data", List.of("/tmp"), Map.of(), List.of()),
            // HOME, the Erlang cookie and the node's database are in /var/lib/rabbitmq; the node
            // also logs to a file in /var/log/rabbitmq.
            "rabbitmq", official(IMAGE_USER, "/var/lib/rabbitmq", List.of("/tmp", "/var/log/rabbitmq"), Map.of(),
                    List.of()),
            // The image's USER memcache; the recipe's script writes its SASL files under /tmp.
            "memcached", official(new RunAs(11211, 11211), "/data", List.of("/tmp"), Map.of(), List.of()));

    PodSecurity {
        Objects.requireNonNull(runAs, "runAs == null");
        Objects.requireNonNull(volumePath, "volumePath == null");
        Objects.requireNonNull(volumeSubPath, "volumeSubPath == null");
        scratchPaths = List.copyOf(scratchPaths);
        environment = Map.copyOf(environment);
        arguments = List.copyOf(arguments);
    }

    private static PodSecurity official(RunAs runAs, String volumePath, List<String> scratchPaths,
            Map<String, String> environment, List<String> arguments) {
        return new PodSecurity(runAs, true, volumePath, "", scratchPaths, environment, arguments);
    }

    /** How the official image of {@code engine} runs; empty for an engine addons has no image of. */
    static Optional<PodSecurity> official(String engine) {
        return Optional.ofNullable(OFFICIAL.get(engine));
    }

    /**
     * How an image addons knows nothing of runs as {@code runAs}: its data on a sub-directory of
     * the volume at the recipe's data path, a writable root file system unless {@code
     * readOnlyRootFilesystem}, and {@code /tmp} to write in.
     */
    static PodSecurity other(ContainerRecipe recipe, RunAs runAs, boolean readOnlyRootFilesystem) {
        return new PodSecurity(runAs, readOnlyRootFilesystem, recipe.dataPath(), "data", List.of("/tmp"), Map.of(),
                List.of());
    }

    PodSecurity withRunAs(RunAs other) {
        return new PodSecurity(other, readOnlyRootFilesystem, volumePath, volumeSubPath, scratchPaths, environment,
                arguments);
    }

    PodSecurity withReadOnlyRootFilesystem(boolean readOnly) {
        return new PodSecurity(runAs, readOnly, volumePath, volumeSubPath, scratchPaths, environment, arguments);
    }
}
