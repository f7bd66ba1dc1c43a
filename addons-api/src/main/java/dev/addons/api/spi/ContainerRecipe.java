package dev.addons.api.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to run a server as a container, the way the engine's official image expects. Made with
 * {@link #builder(String, int, String)}, e.g. {@code ContainerRecipe.builder("postgres:18", 5432,
 * "/var/lib/postgresql/data").environment(Map.of(...)).build()}. {@link #toString()} shows
 * environment names and file paths only, as values may be secrets.
 *
 * @param image       the full image reference, e.g. {@code postgres:18}
 * @param environment the container's environment (credentials as the image expects them)
 * @param command     arguments passed to the image's entrypoint; empty for its default
 * @param port        the port the server listens on inside the container
 * @param dataPath    the directory inside the container that holds its data
 * @param extraPorts  further ports inside the container, by the same names as the process
 *                    recipe's {@link ProcessRecipe#extraPorts()}
 * @param files       files written into the container before each start, e.g. a configuration
 *                    file holding a password that the command or the environment would show
 *                    (see {@link ContainerFile}); at most one per path ({@code @since 0.2})
 */
public record ContainerRecipe(
        String image, Map<String, String> environment, List<String> command, int port, String dataPath,
        Map<String, Integer> extraPorts, List<ContainerFile> files) {

    public ContainerRecipe {
        Objects.requireNonNull(image, "image == null");
        environment = Map.copyOf(environment);
        command = List.copyOf(command);
        Objects.requireNonNull(dataPath, "dataPath == null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        extraPorts = Map.copyOf(extraPorts);
        files = List.copyOf(files);
        if (files.stream().map(ContainerFile::path).distinct().count() != files.size()) {
            throw new IllegalArgumentException("two files with one path: "
                    + files.stream().map(ContainerFile::path).toList());
        }
    }

    /**
     * A builder of a recipe that runs {@code image} listening on {@code port} inside the
     * container, its data in {@code dataPath}; everything else has a default (see {@link Builder}).
     *
     * @since 0.3
     */
    public static Builder builder(String image, int port, String dataPath) {
        return new Builder(image, port, dataPath);
    }

    @Override
    public String toString() {
        return "ContainerRecipe[image=" + image + ", environment=" + environment.keySet() + ", port=" + port
                + ", dataPath=" + dataPath + ", files=" + files.stream().map(ContainerFile::path).toList() + "]";
    }

    /**
     * Builds a {@link ContainerRecipe}. Each setter checks its value at once and replaces what was
     * set before; {@link #build()} checks the rules between fields (one file per path). Defaults:
     * an empty environment, the image's own command, no extra ports, no files. Not thread-safe;
     * its {@code toString()} shows no value of the environment or of a file.
     *
     * @since 0.3
     */
    public static final class Builder {
        private final String image;
        private final int port;
        private final String dataPath;
        private Map<String, String> environment = Map.of();
        private List<String> command = List.of();
        private Map<String, Integer> extraPorts = Map.of();
        private List<ContainerFile> files = List.of();

        private Builder(String image, int port, String dataPath) {
            this.image = Objects.requireNonNull(image, "image == null");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port + ". Allowed: 1 to 65535");
            }
            this.port = port;
            this.dataPath = Objects.requireNonNull(dataPath, "dataPath == null");
        }

        /** The container's environment, e.g. credentials as the image expects them. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment == null"));
            return this;
        }

        /** Arguments passed to the image's entrypoint; default: none, the image's own command. */
        public Builder command(List<String> command) {
            this.command = List.copyOf(Objects.requireNonNull(command, "command == null"));
            return this;
        }

        /** Further ports inside the container, by the names of the process recipe's extra ports. */
        public Builder extraPorts(Map<String, Integer> extraPorts) {
            this.extraPorts = Map.copyOf(Objects.requireNonNull(extraPorts, "extraPorts == null"));
            return this;
        }

        /** Files written into the container before each start (see {@link ContainerFile}). */
        public Builder files(List<ContainerFile> files) {
            this.files = List.copyOf(Objects.requireNonNull(files, "files == null"));
            return this;
        }

        /** The recipe; throws {@link IllegalArgumentException} naming what breaks a rule between fields. */
        public ContainerRecipe build() {
            return new ContainerRecipe(image, environment, command, port, dataPath, extraPorts, files);
        }

        @Override
        public String toString() {
            return "ContainerRecipe.Builder[image=" + image + ", environment=" + environment.keySet() + ", port="
                    + port + ", dataPath=" + dataPath + "]";
        }
    }
}
