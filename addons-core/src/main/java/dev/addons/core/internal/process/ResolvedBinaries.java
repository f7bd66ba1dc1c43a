package dev.addons.core.internal.process;

import dev.addons.api.ProvisioningException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Engine binaries found for one start: the directories they are looked up in, in order, and
 * for a downloaded distribution the directory of its shared libraries.
 *
 * @param source           for people: where the binaries come from
 * @param directories      searched in order for each binary
 * @param libraryDirectory the distribution's {@code lib} directory, or {@code null}
 */
record ResolvedBinaries(String source, List<Path> directories, Path libraryDirectory) {

    ResolvedBinaries {
        Objects.requireNonNull(source, "source == null");
        directories = List.copyOf(directories);
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
}
