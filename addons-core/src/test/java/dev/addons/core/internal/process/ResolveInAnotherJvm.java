package dev.addons.core.internal.process;

import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.BinaryDistribution.Download;
import dev.addons.core.runtime.ProgressListener;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Run as its own JVM by a test: resolves the test repository's {@code hello} distribution into
 * a cache shared with other processes and prints where its binary is.
 */
public final class ResolveInAnotherJvm {
    private ResolveInAnotherJvm() {
    }

    /** Arguments: the cache directory, the repository's URI, the artifact's SHA-256. */
    public static void main(String[] args) throws InterruptedException {
        Download download = new Download("dev.addons.test", "hello", "1.0", args[2], "hello.txz", "bin");
        BinaryDistribution distribution =
                new BinaryDistribution("Hello 1.0", List.of(), List.of("hello"), download);
        try (BinaryResolver resolver = new BinaryResolver(Path.of(args[0]), URI.create(args[1]))) {
            System.out.println(resolver.resolve(distribution, "test", ProgressListener.NONE).binary("hello"));
        }
    }
}
