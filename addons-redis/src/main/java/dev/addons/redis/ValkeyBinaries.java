package dev.addons.redis;

import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.BinaryDistribution.VersionProbe;
import java.nio.file.Path;
import java.util.List;

/**
 * Which binaries on this host serve each requested Valkey major version. A {@code valkey-server}
 * serves the major it reports; Valkey 7.2 forked from Redis 7.2 and speaks the same protocol, so
 * a {@code redis-server} 7.x serves a requested 7 too (Debian 12 has only Redis 7.0, which lacks
 * the few commands Redis and Valkey 7.2 added, such as {@code WAITAOF}). {@code valkey-server} is
 * preferred where both are installed. Both are looked for in {@code /usr/local/bin} and
 * {@code /usr/bin}, each asked for its version with {@code --version}, so a binary of another
 * major is never taken. Nothing is downloaded: Maven Central has no Valkey server builds, and its
 * Redis ones (the embedded-redis artifacts and their forks) are individuals' builds of old
 * releases, not something to pin a managed server on.
 * Stateless and thread-safe.
 */
final class ValkeyBinaries {

    static final String VALKEY_SERVER = "valkey-server";
    static final String REDIS_SERVER = "redis-server";

    private static final List<Path> SEARCH_PATH = List.of(Path.of("/usr/local/bin"), Path.of("/usr/bin"));
    /** {@code Valkey server v=8.0.1 sha=...} and {@code Redis server v=7.0.15 sha=...}. */
    private static final String VERSION_PATTERN = "\\bv=([0-9]+(?:\\.[0-9]+)*)";

    private ValkeyBinaries() {
    }

    /** {@code valkey-server} reporting {@code major}. */
    static BinaryDistribution valkey(String major) {
        return new BinaryDistribution("Valkey " + major, SEARCH_PATH, List.of(VALKEY_SERVER), null,
                probe(VALKEY_SERVER, major));
    }

    /** What else serves {@code major}: {@code redis-server} 7.x for 7, nothing for later majors. */
    static List<BinaryDistribution> alternatives(String major) {
        if (!major.equals("7")) {
            return List.of();
        }
        return List.of(new BinaryDistribution("Redis 7 for Valkey 7", SEARCH_PATH, List.of(REDIS_SERVER), null,
                probe(REDIS_SERVER, "7")));
    }

    private static VersionProbe probe(String binary, String major) {
        return new VersionProbe(binary, List.of("--version"), VERSION_PATTERN, major);
    }
}
