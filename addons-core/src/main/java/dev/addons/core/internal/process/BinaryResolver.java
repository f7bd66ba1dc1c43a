package dev.addons.core.internal.process;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.BinaryDistribution.Download;
import dev.addons.api.spi.BinaryDistribution.VersionProbe;
import dev.addons.core.internal.PrivateFiles;
import dev.addons.core.internal.TrustedDirectory;
import dev.addons.core.runtime.ProgressListener;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a distribution's binaries: on this host first (of the expected version, when the
 * distribution declares a version probe), else in the cache
 * ({@code <cache>/<artifactId>-<version>/}), else fetched from the Maven repository, verified
 * against the pinned SHA-256 and unpacked into the cache. Unpacking happens in a temporary
 * directory that is renamed into place, under a lock held by threads of this JVM and by other
 * processes alike, so concurrent starts fetch and unpack once. Thread-safe.
 */
final class BinaryResolver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryResolver.class);
    /** One monitor per lock file: a JVM may not hold two FileLocks on one file. */
    private static final ConcurrentMap<Path, Object> MONITORS = new ConcurrentHashMap<>();
    /** The next step when the host lacks a distribution and none can be fetched. */
    static final String INSTALL_THEM = "Install them there, or use the container runtime (runtime = \"container\", --runtime container).";
    /** The next step when the provider says no host has the binaries (no search path, no download). */
    static final String USE_A_CONTAINER = "It needs the container runtime (runtime = \"container\", --runtime container).";

    private final Path top;
    private final Path cache;
    private final URI repository;
    private final ArtifactFetcher fetcher = new ArtifactFetcher();
    private final HostVersions versions = new HostVersions();

    /**
     * @param cache      the directory holding unpacked distributions
     * @param repository the Maven repository's base URI, e.g. {@code https://repo1.maven.org/maven2/}
     */
    BinaryResolver(Path cache, URI repository) {
        this(cache, cache, repository);
    }

    /**
     * @param top        the directory given as the cache, {@code cache} or one of its parents: it and
     *                   every directory down to {@code cache} must be this user's alone
     * @param cache      the directory holding unpacked distributions
     * @param repository the Maven repository's base URI, e.g. {@code https://repo1.maven.org/maven2/}
     */
    BinaryResolver(Path top, Path cache, URI repository) {
        if (repository.getRawUserInfo() != null) {
            // Never written to a log or message; HttpClient would not send it anyway.
            throw new IllegalArgumentException("a Maven repository URI with credentials is not supported: "
                    + repository.getScheme() + "://<redacted>@" + repository.getHost() + repository.getRawPath());
        }
        this.cache = cache.toAbsolutePath().normalize();
        this.top = top.toAbsolutePath().normalize();
        if (!this.cache.startsWith(this.top)) {
            throw new IllegalArgumentException(this.cache + " is not under " + this.top);
        }
        this.repository = repository.toString().endsWith("/") ? repository : URI.create(repository + "/");
    }

    /**
     * The binaries when this host has them all in the distribution's search path and, when it
     * declares a version probe, they report the expected version.
     */
    Optional<ResolvedBinaries> onHost(BinaryDistribution distribution) throws InterruptedException {
        return searchHost(distribution).found();
    }

    /** The binaries of the first of {@code candidates} the host has. */
    Optional<ResolvedBinaries> onHost(List<BinaryDistribution> candidates) throws InterruptedException {
        for (BinaryDistribution candidate : candidates) {
            Optional<ResolvedBinaries> host = onHost(candidate);
            if (host.isPresent()) {
                return host;
            }
        }
        return Optional.empty();
    }

    /** The binaries of the first of {@code candidates} that is unpacked in the cache. */
    Optional<ResolvedBinaries> cached(List<BinaryDistribution> candidates) {
        return candidates.stream().map(this::cached).flatMap(Optional::stream).findFirst();
    }

    /** The first of {@code candidates} that offers a download. */
    static Optional<BinaryDistribution> downloadable(List<BinaryDistribution> candidates) {
        return candidates.stream().filter(candidate -> candidate.downloadIfAny().isPresent()).findFirst();
    }

    /** For messages: why the host has none of {@code candidates}, one reason each. */
    String whyNotOnHost(List<BinaryDistribution> candidates) throws InterruptedException {
        List<String> reasons = new ArrayList<>();
        for (BinaryDistribution candidate : candidates) {
            reasons.add(whyNotOnHost(candidate));
        }
        return String.join("; ", reasons);
    }

    /** For messages: what to do when none of {@code candidates} can be had. */
    static String nextStep(List<BinaryDistribution> candidates) {
        return candidates.stream().allMatch(candidate -> candidate.hostSearchPath().isEmpty())
                ? USE_A_CONTAINER : INSTALL_THEM;
    }

    /** For messages: why the host does not have the distribution (call when {@link #onHost} is empty). */
    String whyNotOnHost(BinaryDistribution distribution) throws InterruptedException {
        if (distribution.hostSearchPath().isEmpty()) {
            return distribution.description() + ": no binaries for it on this host";
        }
        List<String> rejected = searchHost(distribution).rejected();
        return rejected.isEmpty()
                ? distribution.description() + ": " + distribution.requiredBinaries() + " not found in "
                        + distribution.hostSearchPath()
                : distribution.description() + ": needs " + distribution.versionProbe().binary() + " "
                        + distribution.versionProbe().expected() + ".x in " + distribution.hostSearchPath()
                        + ", found " + String.join(", ", rejected);
    }

    /** What the host has: the binaries, or the probed binaries that were of another version. */
    private record HostSearch(Optional<ResolvedBinaries> found, List<String> rejected) {
    }

    private HostSearch searchHost(BinaryDistribution distribution) throws InterruptedException {
        List<String> required = distribution.requiredBinaries();
        String source = distribution.description() + " on this host";
        if (distribution.versionProbeIfAny().isEmpty()) {
            ResolvedBinaries host = new ResolvedBinaries(source, distribution.hostSearchPath(), null, distribution,
                    null);
            return new HostSearch(host.hasAll(required) ? Optional.of(host) : Optional.empty(), List.of());
        }
        VersionProbe probe = distribution.versionProbe();
        List<String> rejected = new ArrayList<>();
        // Each directory on its own: /usr/local/bin and /usr/bin may hold different versions.
        for (Path directory : distribution.hostSearchPath()) {
            ResolvedBinaries candidate = new ResolvedBinaries(source, List.of(directory), null, distribution, null);
            if (!candidate.hasAll(required)) {
                continue;
            }
            Path binary = candidate.binary(probe.binary());
            HostVersions.Answer answer = versions.probe(binary, probe);
            if (answer.versionIfAny().filter(probe::accepts).isPresent()) {
                return new HostSearch(Optional.of(new ResolvedBinaries(
                        source + " (" + binary + " " + answer.version() + ")", List.of(directory), null,
                        distribution, answer.version())), List.of());
            }
            rejected.add(binary + " " + answer.describe());
        }
        return new HostSearch(Optional.empty(), rejected);
    }

    /** The binaries when the distribution's download is unpacked in the cache already. */
    Optional<ResolvedBinaries> cached(BinaryDistribution distribution) {
        if (distribution.downloadIfAny().isPresent() && Files.isDirectory(cache)) {
            requireTrustedCache();
        }
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
        return resolve(List.of(distribution), subject, progress);
    }

    /**
     * The binaries of the first candidate the host has, else of the first one cached, else of the
     * first one offering a download, fetched now. Throws {@link ProvisioningException} saying what
     * was tried when none works.
     */
    ResolvedBinaries resolve(List<BinaryDistribution> candidates, String subject, ProgressListener progress)
            throws InterruptedException {
        Optional<ResolvedBinaries> found = onHost(candidates);
        if (found.isPresent()) {
            return found.get();
        }
        found = cached(candidates);
        if (found.isPresent()) {
            verify(found.get().distribution(), subject, progress);
            return found.get();
        }
        Optional<BinaryDistribution> downloadable = downloadable(candidates);
        if (downloadable.isEmpty()) {
            throw new ProvisioningException("No binaries for " + whyNotOnHost(candidates)
                    + "; no download is offered. " + nextStep(candidates));
        }
        BinaryDistribution distribution = downloadable.get();
        Download download = distribution.download();
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
        Optional<ResolvedBinaries> meanwhile = withLock(download, () -> {
            Optional<ResolvedBinaries> done = cached(distribution);
            if (done.isPresent()) {
                LOG.debug("{} - {} was unpacked by another start meanwhile", subject, download.coordinates());
                verifyLocked(distribution, subject, progress);
                return done;
            }
            Path unpacked = fetchAndUnpack(download, subject, progress);
            try {
                // The manifest first: a crash before the rename leaves no distribution to trust.
                CacheManifest.of(unpacked).write(installDirectory(download));
                Files.move(unpacked, installDirectory(download), StandardCopyOption.ATOMIC_MOVE);
                LOG.info("{} - Unpacked {} into {}", subject, download.coordinates(), installDirectory(download));
            } finally {
                ServerDirectories.deleteRecursively(unpacked.getParent());
            }
            return Optional.<ResolvedBinaries>empty();
        });
        if (meanwhile.isPresent()) {
            return meanwhile.get();
        }
        ResolvedBinaries binaries = unpacked(distribution, download);
        if (!binaries.hasAll(distribution.requiredBinaries())) {
            throw new IOException(artifactUri(download) + ": its archive lacks some of "
                    + distribution.requiredBinaries() + " in " + download.binDirectory());
        }
        return binaries;
    }

    /**
     * Fetches and verifies the download, and unpacks it into {@code unpacked} in a new temporary
     * directory of the cache, which the caller deletes; returns that {@code unpacked}.
     */
    private Path fetchAndUnpack(Download download, String subject, ProgressListener progress)
            throws IOException, InterruptedException {
        Path temporary = Files.createTempDirectory(cache, "." + name(download) + "-");
        Path artifact = temporary.resolve(name(download) + ".jar");
        boolean done = false;
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
            Files.delete(artifact);
            done = true;
            return unpacked;
        } finally {
            if (!done) {
                ServerDirectories.deleteRecursively(temporary);
            }
        }
    }

    /**
     * Checks the cached distribution against the manifest recorded when it was unpacked, under
     * the download's lock; throws {@link ProvisioningException} naming the first file that
     * differs. A distribution unpacked before manifests were kept is compared, once, with a
     * fresh download of its verified archive, and gets its manifest when it matches.
     */
    private void verify(BinaryDistribution distribution, String subject, ProgressListener progress)
            throws InterruptedException {
        try {
            if (CacheManifest.recorded(installDirectory(distribution.download())).isPresent()) {
                verifyLocked(distribution, subject, progress); // only reads: no lock needed
            } else {
                withLock(distribution.download(), () -> {
                    verifyLocked(distribution, subject, progress);
                    return null;
                });
            }
        } catch (IOException e) {
            throw new ProvisioningException("Cannot verify the cached " + distribution.description() + " ("
                    + distribution.download().coordinates() + ") in " + installDirectory(distribution.download())
                    + ": " + e.getMessage(), e);
        }
    }

    /** {@link #verify}; holding the download's lock when the distribution has no manifest yet. */
    private void verifyLocked(BinaryDistribution distribution, String subject, ProgressListener progress)
            throws IOException, InterruptedException {
        Download download = distribution.download();
        Path install = installDirectory(download);
        long begin = System.nanoTime();
        Optional<CacheManifest> recorded = CacheManifest.recorded(install);
        CacheManifest manifest;
        if (recorded.isPresent()) {
            manifest = recorded.get();
        } else {
            LOG.info("{} - {} in {} has no manifest yet: comparing it with its archive, fetched again", subject,
                    download.coordinates(), install);
            Path unpacked = fetchAndUnpack(download, subject, progress);
            try {
                manifest = CacheManifest.of(unpacked);
            } finally {
                ServerDirectories.deleteRecursively(unpacked.getParent());
            }
        }
        CacheManifest.Check check = manifest.check(install);
        if (check.difference().isPresent()) {
            throw new ProvisioningException("The cached " + distribution.description() + " ("
                    + download.coordinates() + ") in " + install + " is not what was unpacked from its verified "
                    + "archive: " + check.difference().get() + ". It is not run. Find out who changed it, then "
                    + "delete " + install + " and " + CacheManifest.fileOf(install) + " to have it fetched again.");
        }
        if (recorded.isEmpty() || check.fingerprintsChanged()) {
            // Same content, other files (a copy of the cache, a first manifest): no need to hash them next time.
            check.now().write(install);
        }
        LOG.debug("{} - Verified {} in {} ms", subject, install, (System.nanoTime() - begin) / 1_000_000);
    }

    /** What may run under a download's lock. */
    @FunctionalInterface
    private interface Locked<T> {
        T run() throws IOException, InterruptedException;
    }

    /** Runs {@code work} holding the download's lock, against threads of this JVM and other processes. */
    private <T> T withLock(Download download, Locked<T> work) throws IOException, InterruptedException {
        PrivateFiles.directory(cache);
        requireTrustedCache();
        Path lockFile = cache.resolve(name(download) + ".lock");
        synchronized (MONITORS.computeIfAbsent(lockFile, path -> new Object())) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                channel.lock(); // against other processes; released when the channel closes
                return work.run();
            }
        }
    }

    /**
     * Refuses a cache another user could have written binaries into: the cache given (shared by
     * homes) and the directories down to the unpacked distributions must be this user's and
     * writable by no one else.
     */
    private void requireTrustedCache() {
        try {
            for (Path dir = cache; dir != null && dir.startsWith(top); dir = dir.getParent()) {
                Optional<String> why = TrustedDirectory.whyNot(dir, "The binary cache");
                if (why.isPresent()) {
                    throw new ProvisioningException(why.get() + ". Or choose another cache (ADDONS_CACHE, "
                            + "Addons.builder().cache(...)).");
                }
            }
        } catch (IOException e) {
            throw new ProvisioningException("Cannot check the binary cache " + cache + ": " + e.getMessage(), e);
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
                List.of(install.resolve(download.binDirectory())), Files.isDirectory(lib) ? lib : null, distribution,
                null);
    }

    private static String name(Download download) {
        return download.artifactId() + "-" + download.version();
    }

    @Override
    public void close() {
        fetcher.close();
    }
}
