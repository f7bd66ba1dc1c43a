package dev.addons.core.internal.process;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.BinaryDistribution.Download;
import dev.addons.core.runtime.ProgressListener;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a distribution's binaries: on this host first, else in the cache
 * ({@code <cache>/<artifactId>-<version>/}), else fetched from the Maven repository, verified
 * against the pinned SHA-256 and unpacked into the cache. Unpacking happens in a temporary
 * directory that is renamed into place, under a lock held by threads of this JVM and by other
 * processes alike, so concurrent starts fetch and unpack once. Thread-safe.
 */
final class BinaryResolver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryResolver.class);
    /** One monitor per lock file: a JVM may not hold two FileLocks on one file. */
    private static final ConcurrentMap<Path, Object> MONITORS = new ConcurrentHashMap<>();

    private final Path cache;
    private final URI repository;
    private final ArtifactFetcher fetcher = new ArtifactFetcher();

    /**
     * @param cache      the directory holding unpacked distributions
     * @param repository the Maven repository's base URI, e.g. {@code https://repo1.maven.org/maven2/}
     */
    BinaryResolver(Path cache, URI repository) {
        if (repository.getRawUserInfo() != null) {
            // Never written to a log or message; HttpClient would not send it anyway.
            throw new IllegalArgumentException("a Maven repository URI with credentials is not supported: "
                    + repository.getScheme() + "://<redacted>@" + repository.getHost() + repository.getRawPath());
        }
        this.cache = cache.toAbsolutePath().normalize();
        this.repository = repository.toString().endsWith("/") ? repository : URI.create(repository + "/");
    }

    /** The binaries when this host has them all in the distribution's search path. */
    Optional<ResolvedBinaries> onHost(BinaryDistribution distribution) {
        ResolvedBinaries host = new ResolvedBinaries(distribution.description() + " on this host",
                distribution.hostSearchPath(), null);
        return host.hasAll(distribution.requiredBinaries()) ? Optional.of(host) : Optional.empty();
    }

    /** The binaries when the distribution's download is unpacked in the cache already. */
    Optional<ResolvedBinaries> cached(BinaryDistribution distribution) {
        return distribution.downloadIfAny()
                .map(download -> unpacked(distribution, download))
                .filter(binaries -> binaries.hasAll(distribution.requiredBinaries()));
    }

    /** Where the download's artifact is fetched from. */
    URI artifactUri(Download download) {
        return repository.resolve(download.repositoryPath());
    }

    /**
     * The binaries from the host, the cache or a download, in that order. Throws
     * {@link ProvisioningException} saying what was tried when none works.
     */
    ResolvedBinaries resolve(BinaryDistribution distribution, String subject, ProgressListener progress)
            throws InterruptedException {
        Optional<ResolvedBinaries> found = onHost(distribution).or(() -> cached(distribution));
        if (found.isPresent()) {
            return found.get();
        }
        Download download = distribution.downloadIfAny().orElseThrow(() -> new ProvisioningException(
                "No binaries for " + distribution.description() + ": " + distribution.requiredBinaries()
                        + " not all found in " + distribution.hostSearchPath()
                        + " and no download is offered. Install them there, or use the container runtime."));
        try {
            return fetchOnce(distribution, download, subject, progress);
        } catch (IOException e) {
            throw new ProvisioningException("Could not fetch " + distribution.description() + " ("
                    + download.coordinates() + ") from " + e.getMessage() + ". Install "
                    + distribution.requiredBinaries() + " in one of " + distribution.hostSearchPath()
                    + ", or set the system property addons.maven.repository to a repository serving it.", e);
        }
    }

    private ResolvedBinaries fetchOnce(
            BinaryDistribution distribution, Download download, String subject, ProgressListener progress)
            throws IOException, InterruptedException {
        ServerDirectories.createPrivateDirectories(cache);
        Path lockFile = cache.resolve(name(download) + ".lock");
        synchronized (MONITORS.computeIfAbsent(lockFile, path -> new Object())) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                channel.lock(); // against other processes; released when the channel closes
                Optional<ResolvedBinaries> done = cached(distribution);
                if (done.isPresent()) {
                    LOG.debug("{} - {} was unpacked by another start meanwhile", subject, download.coordinates());
                    return done.get();
                }
                fetchAndUnpack(download, subject, progress);
            }
        }
        ResolvedBinaries binaries = unpacked(distribution, download);
        if (!binaries.hasAll(distribution.requiredBinaries())) {
            throw new IOException(artifactUri(download) + ": its archive lacks some of "
                    + distribution.requiredBinaries() + " in " + download.binDirectory());
        }
        return binaries;
    }

    private void fetchAndUnpack(Download download, String subject, ProgressListener progress)
            throws IOException, InterruptedException {
        Path target = installDirectory(download);
        Path temporary = Files.createTempDirectory(cache, "." + name(download) + "-");
        Path artifact = temporary.resolve(name(download) + ".jar");
        try {
            URI uri = artifactUri(download);
            LOG.info("{} - Downloading {} from {} ...", subject, download.coordinates(), uri);
            progress.step(subject, "downloading " + download.coordinates());
            fetcher.fetch(uri, artifact, download.sha256(), download.coordinates(), progress);
            progress.step(subject, "unpacking " + download.coordinates());
            Path unpacked = Files.createDirectory(temporary.resolve("unpacked"));
            try {
                ArchiveUnpacker.unpack(artifact, download.archiveEntry(), unpacked);
            } catch (IOException e) {
                throw new IOException(uri + ": cannot unpack " + download.archiveEntry() + ": " + e.getMessage(), e);
            }
            Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("{} - Unpacked {} into {}", subject, download.coordinates(), target);
        } finally {
            ServerDirectories.deleteRecursively(temporary);
        }
    }

    /** The directory the download is unpacked into: {@code <cache>/<artifactId>-<version>}. */
    Path installDirectory(Download download) {
        return cache.resolve(name(download));
    }

    private ResolvedBinaries unpacked(BinaryDistribution distribution, Download download) {
        Path install = installDirectory(download);
        Path lib = install.resolve("lib");
        return new ResolvedBinaries(distribution.description() + " from " + download.coordinates(),
                java.util.List.of(install.resolve(download.binDirectory())), Files.isDirectory(lib) ? lib : null);
    }

    private static String name(Download download) {
        return download.artifactId() + "-" + download.version();
    }

    @Override
    public void close() {
        fetcher.close();
    }
}
