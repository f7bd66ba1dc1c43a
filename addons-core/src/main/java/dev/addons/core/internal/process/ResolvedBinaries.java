package dev.addons.core.internal.process;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.BinaryDistribution;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Engine binaries found for one start: the distribution they serve, the directories they are
 * looked up in, in order, and for a downloaded distribution the directory of its shared libraries.
 *
 * @param source           for people: where the binaries come from
 * @param directories      searched in order for each binary
 * @param libraryDirectory the distribution's {@code lib} directory, or {@code null}
 * @param distribution     the distribution (one of a recipe's candidates) they were found for
 * @param version          the version its probe found on the host, or {@code null} when not probed
 */
record ResolvedBinaries(String source, List<Path> directories, Path libraryDirectory,
        BinaryDistribution distribution, String version) {

    ResolvedBinaries {
        Objects.requireNonNull(source, "source == null");
        directories = List.copyOf(directories);
        Objects.requireNonNull(distribution, "distribution == null");
    }

    /** The executable {@code name} in the first directory that has it. */
    Optional<Path> find(String name) {
        return directories.stream()
                .map(directory -> directory.resolve(name))
                .filter(file -> Files.isRegularFile(file) && Files.isExecutable(file))
                .findFirst();
    }

    /** Whether every one of {@code names} is found. */
    boolean hasAll(List<String> names) {
        return names.stream().allMatch(name -> find(name).isPresent());
    }

    /** The executable {@code name}; throws {@link ProvisioningException} when it is missing. */
    Path binary(String name) {
        return find(name).orElseThrow(() -> new ProvisioningException(
                "No executable '" + name + "' in " + directories + " (" + source + ")"));
    }

    Optional<Path> libraryDirectoryIfAny() {
        return Optional.ofNullable(libraryDirectory);
    }

    /**
     * For people: the directory of the first required binary, and the version a probe found,
     * e.g. {@code /usr/lib/postgresql/15/bin} or {@code /usr/bin: redis-server 7.0.15}.
     */
    String describe() {
        String directory = binary(distribution.requiredBinaries().get(0)).getParent().toString();
        return version == null ? directory : directory + ": " + distribution.versionProbe().binary() + " " + version;
    }
}
