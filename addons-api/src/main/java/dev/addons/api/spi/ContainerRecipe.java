package dev.addons.api.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to run a server as a container, the way the engine's official image expects.
 * {@link #toString()} shows environment names and file paths only, as values may be secrets.
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

    /** A recipe without files. */
    public ContainerRecipe(String image, Map<String, String> environment, List<String> command, int port,
            String dataPath, Map<String, Integer> extraPorts) {
        this(image, environment, command, port, dataPath, extraPorts, List.of());
    }

    /** A recipe for a container with one port. */
    public ContainerRecipe(String image, Map<String, String> environment, List<String> command, int port,
            String dataPath) {
        this(image, environment, command, port, dataPath, Map.of(), List.of());
    }

    @Override
    public String toString() {
        return "ContainerRecipe[image=" + image + ", environment=" + environment.keySet() + ", port=" + port
                + ", dataPath=" + dataPath + ", files=" + files.stream().map(ContainerFile::path).toList() + "]";
    }
}
