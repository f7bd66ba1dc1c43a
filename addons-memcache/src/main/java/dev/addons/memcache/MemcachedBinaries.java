package dev.addons.memcache;

import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.BinaryDistribution.VersionProbe;
import java.nio.file.Path;
import java.util.List;

/**
 * Which {@code memcached} binary on this host serves each requested version: one in
 * {@code /usr/local/bin} or {@code /usr/bin} that reports that version to {@code -V}
 * ({@code memcached 1.6.18}). Debian 12 has 1.6 only, so 1.5 is refused there, naming
 * the 1.6 it has. Nothing is downloaded: Maven Central has no memcached server builds.
 * Stateless and thread-safe.
 */
final class MemcachedBinaries {

    static final String MEMCACHED = "memcached";

    private static final List<Path> SEARCH_PATH = List.of(Path.of("/usr/local/bin"), Path.of("/usr/bin"));

    private MemcachedBinaries() {
    }

    /** {@code memcached} reporting {@code version} ({@code 1.6} takes any 1.6.x). */
    static BinaryDistribution forVersion(String version) {
        return new BinaryDistribution("Memcached " + version, SEARCH_PATH, List.of(MEMCACHED), null,
                new VersionProbe(MEMCACHED, List.of("-V"), "\\bmemcached ([0-9]+(?:\\.[0-9]+)*)", version));
    }
}
