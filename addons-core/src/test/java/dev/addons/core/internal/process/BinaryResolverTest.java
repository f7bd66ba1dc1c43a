package dev.addons.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.BinaryDistribution;
import dev.addons.api.spi.BinaryDistribution.Download;
import dev.addons.api.spi.BinaryDistribution.VersionProbe;
import dev.addons.core.runtime.ProgressListener;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinaryResolverTest {
    @TempDir
    Path cache;
    @TempDir
    Path elsewhere;

    private static BinaryDistribution distribution(Download download) {
        return new BinaryDistribution("Hello 1.0", List.of(Path.of("/nonexistent/hello/bin")), List.of("hello"),
                download);
    }

    private static String run(Path binary) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(binary.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).trim();
        process.waitFor();
        return output;
    }

    @Test
    void fetchesVerifiesAndUnpacksADownloadOnceThenUsesTheCache() throws Exception {
        try (TestRepository repository = new TestRepository()) {
            Download download = repository.put("hello", "hello.txz", TestArchive.jar("hello.txz",
                    TestArchive.hello().xz()));
            BinaryDistribution distribution = distribution(download);
            ResolvedBinaries first;
            try (BinaryResolver resolver = new BinaryResolver(cache, repository.uri())) {
                assertThat(resolver.cached(distribution)).isEmpty();
                first = resolver.resolve(distribution, "test", ProgressListener.NONE);
                resolver.resolve(distribution, "test", ProgressListener.NONE);
            }
            try (BinaryResolver another = new BinaryResolver(cache, repository.uri())) {
                assertThat(another.resolve(distribution, "test", ProgressListener.NONE)).isEqualTo(first);
                assertThat(another.cached(distribution)).contains(first);
            }

            assertThat(repository.requests()).isEqualTo(1);
            Path install = cache.resolve("hello-1.0");
            assertThat(first.binary("hello")).isEqualTo(install.resolve("bin/hello"));
            assertThat(run(first.binary("hello"))).isEqualTo("hello");
            assertThat(first.libraryDirectory()).isEqualTo(install.resolve("lib"));
            assertThat(Files.readSymbolicLink(install.resolve("lib/libhello.so"))).isEqualTo(Path.of("libhello.so.1"));
            try (Stream<Path> files = Files.list(cache)) {
                assertThat(files.map(path -> path.getFileName().toString()))
                        .as("no downloaded jar or temporary directory is left")
                        .containsExactlyInAnyOrder("hello-1.0", "hello-1.0.lock", "hello-1.0.manifest");
            }
        }
    }

    @Test
    void concurrentResolvesFetchAndUnpackOnce() throws Exception {
        try (TestRepository repository = new TestRepository();
             BinaryResolver one = new BinaryResolver(cache, repository.uri());
             BinaryResolver other = new BinaryResolver(cache, repository.uri())) {
            BinaryDistribution distribution = distribution(repository.put("hello", "hello.txz",
                    TestArchive.jar("hello.txz", TestArchive.hello().xz())));
            int threads = 8;
            CountDownLatch ready = new CountDownLatch(threads);
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            try {
                List<Future<ResolvedBinaries>> results = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    BinaryResolver resolver = i % 2 == 0 ? one : other;
                    Callable<ResolvedBinaries> resolve = () -> {
                        ready.countDown();
                        ready.await();
                        return resolver.resolve(distribution, "test", ProgressListener.NONE);
                    };
                    results.add(executor.submit(resolve));
                }
                for (Future<ResolvedBinaries> result : results) {
                    assertThat(result.get().binary("hello")).isEqualTo(cache.resolve("hello-1.0/bin/hello"));
                }
            } finally {
                executor.shutdownNow();
            }

            assertThat(repository.requests()).isEqualTo(1);
        }
    }

    @Test
    void resolvesInSeveralProcessesAtOnceFetchAndUnpackOnce() throws Exception {
        try (TestRepository repository = new TestRepository()) {
            Download download = repository.put("hello", "hello.txz",
                    TestArchive.jar("hello.txz", TestArchive.hello().xz()));
            // Slow enough that the processes overlap: without the lock each would fetch.
            repository.delayResponses(Duration.ofMillis(500));
            String java = ProcessHandle.current().info().command().orElseThrow();
            List<Process> processes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                processes.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        ResolveInAnotherJvm.class.getName(), cache.toString(), repository.uri().toString(),
                        download.sha256()).redirectError(ProcessBuilder.Redirect.DISCARD).start());
            }
            for (Process process : processes) {
                String output = new String(process.getInputStream().readAllBytes()).trim();
                assertThat(process.waitFor()).isZero();
                assertThat(output).isEqualTo(cache.resolve("hello-1.0/bin/hello").toString());
            }

            assertThat(repository.requests()).isEqualTo(1);
        }
    }

    @Test
    void refusesAnArtifactWhoseChecksumIsNotThePinnedOne() throws Exception {
        try (TestRepository repository = new TestRepository();
             BinaryResolver resolver = new BinaryResolver(cache, repository.uri())) {
            byte[] jar = TestArchive.jar("hello.txz", TestArchive.hello().xz());
            Download genuine = repository.put("hello", "hello.txz", jar);
            String pinned = "0".repeat(64);
            Download pinnedOther = new Download(genuine.groupId(), genuine.artifactId(), genuine.version(), pinned,
                    genuine.archiveEntry(), genuine.binDirectory());
            URI url = repository.uri().resolve(genuine.repositoryPath());

            assertThatThrownBy(() -> resolver.resolve(distribution(pinnedOther), "test", ProgressListener.NONE))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageStartingWith("Could not fetch Hello 1.0 (dev.addons.test:hello:1.0) from " + url
                            + ": its SHA-256 is " + TestRepository.sha256(jar) + " but " + pinned
                            + " is expected, so it was refused and deleted.");
            try (Stream<Path> files = Files.list(cache)) {
                assertThat(files.map(path -> path.getFileName().toString())).containsExactly("hello-1.0.lock");
            }
        }
    }

    @Test
    void aCacheOthersMayWriteIsRefusedBeforeItsBinariesAreUsed() throws Exception {
        try (TestRepository repository = new TestRepository()) {
            BinaryDistribution distribution = distribution(repository.put("hello", "hello.txz",
                    TestArchive.jar("hello.txz", TestArchive.hello().xz())));
            Path binaries = cache.resolve("binaries");
            try (BinaryResolver resolver = new BinaryResolver(cache, binaries, repository.uri())) {
                resolver.resolve(distribution, "test", ProgressListener.NONE);
            }
            Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));

            try (BinaryResolver resolver = new BinaryResolver(cache, binaries, repository.uri())) {
                assertThatThrownBy(() -> resolver.resolve(distribution, "test", ProgressListener.NONE))
                        .isInstanceOf(ProvisioningException.class)
                        .hasMessageStartingWith("The binary cache " + cache + " (owner ")
                        .hasMessageEndingWith(", mode 0777) is writable by its group and others, who could change "
                                + "what addons runs and reads. Make it yours alone: chmod go-w " + cache
                                + ". Or choose another cache (ADDONS_CACHE, Addons.builder().cache(...)).");
            }
        }
    }

    @Test
    void aCacheOfAnotherUserIsRefused() throws Exception {
        try (TestRepository repository = new TestRepository()) {
            BinaryDistribution distribution = distribution(repository.put("hello", "hello.txz",
                    TestArchive.jar("hello.txz", TestArchive.hello().xz())));
            Path binaries = cache.resolve("binaries");
            try (BinaryResolver resolver = new BinaryResolver(cache, binaries, repository.uri())) {
                resolver.resolve(distribution, "test", ProgressListener.NONE);
            }
            long self = dev.addons.core.internal.EffectiveUser.uid();
            Path foreign = self == 0 ? binaries : Path.of("/");
            if (self == 0) {
                Files.setAttribute(binaries, "unix:uid", 65534);
            }
            Path top = self == 0 ? cache : foreign;

            try (BinaryResolver resolver = new BinaryResolver(top, self == 0 ? binaries : foreign, repository.uri())) {
                assertThatThrownBy(() -> resolver.resolve(distribution, "test", ProgressListener.NONE))
                        .isInstanceOf(ProvisioningException.class)
                        .hasMessageStartingWith("The binary cache " + foreign + " belongs to ")
                        .hasMessageContaining("not to uid " + self + " that addons runs as");
            }
        }
    }

    @Test
    void aCachedBinaryChangedAfterUnpackingIsRefusedNamingIt() throws Exception {
        try (TestRepository repository = new TestRepository();
             BinaryResolver resolver = new BinaryResolver(cache, repository.uri())) {
            BinaryDistribution distribution = distribution(repository.put("hello", "hello.txz",
                    TestArchive.jar("hello.txz", TestArchive.hello().xz())));
            Path hello = resolver.resolve(distribution, "test", ProgressListener.NONE).binary("hello");
            Files.writeString(hello, "#!/bin/sh\necho owned\n");

            assertThatThrownBy(() -> resolver.resolve(distribution, "test", ProgressListener.NONE))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageStartingWith("The cached Hello 1.0 (dev.addons.test:hello:1.0) in "
                            + cache.resolve("hello-1.0") + " is not what was unpacked from its verified archive: "
                            + "bin/hello changed: it is now file 0755 sha256:")
                    .hasMessageEndingWith(" when unpacked. It is not run. Find out who changed it, then delete "
                            + cache.resolve("hello-1.0") + " and " + cache.resolve("hello-1.0.manifest")
                            + " to have it fetched again.");
            assertThat(repository.requests()).isEqualTo(1);
        }
    }

    @Test
    void aLibraryAddedToACachedDistributionIsRefused() throws Exception {
        try (TestRepository repository = new TestRepository();
             BinaryResolver resolver = new BinaryResolver(cache, repository.uri())) {
            BinaryDistribution distribution = distribution(repository.put("hello", "hello.txz",
                    TestArchive.jar("hello.txz", TestArchive.hello().xz())));
            ResolvedBinaries binaries = resolver.resolve(distribution, "test", ProgressListener.NONE);
            Files.writeString(binaries.libraryDirectory().resolve("libc.so.6"), "preloaded");

            assertThatThrownBy(() -> resolver.resolve(distribution, "test", ProgressListener.NONE))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("is not what was unpacked from its verified archive: lib/libc.so.6 was "
                            + "added after unpacking. It is not run.");
        }
    }

    @Test
    void aDistributionUnpackedWithoutAManifestIsComparedOnceWithItsArchiveFetchedAgain() throws Exception {
        try (TestRepository repository = new TestRepository();
             BinaryResolver resolver = new BinaryResolver(cache, repository.uri())) {
            BinaryDistribution distribution = distribution(repository.put("hello", "hello.txz",
                    TestArchive.jar("hello.txz", TestArchive.hello().xz())));
            Path hello = resolver.resolve(distribution, "test", ProgressListener.NONE).binary("hello");
            Path manifest = cache.resolve("hello-1.0.manifest");
            String recorded = Files.readString(manifest);
            Files.delete(manifest); // as an earlier version of addons left it

            resolver.resolve(distribution, "test", ProgressListener.NONE);
            resolver.resolve(distribution, "test", ProgressListener.NONE);

            assertThat(repository.requests()).as("the first download, then one to compare with").isEqualTo(2);
            assertThat(manifest).content().isEqualTo(recorded);
            try (Stream<Path> files = Files.list(cache)) {
                assertThat(files.map(path -> path.getFileName().toString()))
                        .containsExactlyInAnyOrder("hello-1.0", "hello-1.0.lock", "hello-1.0.manifest");
            }

            Files.delete(manifest);
            Files.writeString(hello, "#!/bin/sh\necho owned\n");
            assertThatThrownBy(() -> resolver.resolve(distribution, "test", ProgressListener.NONE))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining("bin/hello changed");
            assertThat(manifest).doesNotExist();
        }
    }

    @Test
    void aMissingArtifactNamesTheUrlTriedAndTheStatus() throws Exception {
        try (TestRepository repository = new TestRepository();
             BinaryResolver resolver = new BinaryResolver(cache, repository.uri())) {
            Download missing = new Download("dev.addons.test", "missing", "2.0", "0".repeat(64), null, "bin");

            assertThatThrownBy(() -> resolver.resolve(distribution(missing), "test", ProgressListener.NONE))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessage("Could not fetch Hello 1.0 (dev.addons.test:missing:2.0) from " + repository.uri()
                            + "dev/addons/test/missing/2.0/missing-2.0.jar: HTTP status 404. Install [hello] in one "
                            + "of [/nonexistent/hello/bin], or set the system property addons.maven.repository to a "
                            + "repository serving it.");
        }
    }

    @Test
    void anUnreachableRepositoryNamesTheUrlTriedAndTheError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        URI repository = URI.create("http://127.0.0.1:" + closedPort + "/maven2/");
        try (BinaryResolver resolver = new BinaryResolver(cache, repository)) {
            Download download = new Download("dev.addons.test", "hello", "1.0", "0".repeat(64), null, "bin");

            assertThatThrownBy(() -> resolver.resolve(distribution(download), "test", ProgressListener.NONE))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessageContaining(
                            repository + "dev/addons/test/hello/1.0/hello-1.0.jar: java.net.ConnectException");
        }
    }

    @Test
    void unpacksAGzipArchiveThatIsTheArtifactItselfFromAFileRepository() throws Exception {
        byte[] archive = TestArchive.hello().gzip();
        Download download =
                new Download("dev.addons.test", "hello", "1.0", TestRepository.sha256(archive), null, "bin");
        Path artifact = elsewhere.resolve(download.repositoryPath());
        Files.createDirectories(artifact.getParent());
        Files.write(artifact, archive);
        List<Long> progress = new CopyOnWriteArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void step(String subject, String message) {
            }

            @Override
            public void transfer(String subject, long done, long total) {
                assertThat(total).isEqualTo(archive.length);
                progress.add(done);
            }
        };
        try (BinaryResolver resolver = new BinaryResolver(cache, elsewhere.toUri())) {
            ResolvedBinaries binaries = resolver.resolve(distribution(download), "test", listener);

            assertThat(run(binaries.binary("hello"))).isEqualTo("hello");
            assertThat(progress).startsWith(0L).endsWith((long) archive.length);
        }
    }

    @Test
    void prefersBinariesInstalledOnTheHost() throws Exception {
        Path bin = Files.createDirectories(elsewhere.resolve("bin"));
        Files.writeString(bin.resolve("hello"), "#!/bin/sh\necho installed\n");
        bin.resolve("hello").toFile().setExecutable(true);
        Download unreachable = new Download("dev.addons.test", "hello", "1.0", "0".repeat(64), null, "bin");
        BinaryDistribution distribution = new BinaryDistribution("Hello", List.of(elsewhere.resolve("none"), bin),
                List.of("hello"), unreachable);
        try (BinaryResolver resolver = new BinaryResolver(cache, URI.create("http://127.0.0.1:9/"))) {
            ResolvedBinaries binaries = resolver.resolve(distribution, "test", ProgressListener.NONE);

            assertThat(binaries.binary("hello")).isEqualTo(bin.resolve("hello"));
            assertThat(binaries.libraryDirectoryIfAny()).isEmpty();
        }
    }

    private static Path script(Path directory, String name, String output) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(name);
        Files.writeString(file, "#!/bin/sh\necho '" + output + "'\n");
        file.toFile().setExecutable(true);
        return file;
    }

    private static BinaryDistribution probed(String expected, Path... searchPath) {
        return new BinaryDistribution("Hello " + expected, List.of(searchPath), List.of("hello"), null,
                new VersionProbe("hello", List.of("--version"), "v=([0-9][0-9.]*)", expected));
    }

    @Test
    void aProbedDistributionTakesTheFirstDirectoryWhoseBinaryReportsTheExpectedVersion() throws Exception {
        Path local = elsewhere.resolve("local/bin");
        Path usr = elsewhere.resolve("usr/bin");
        script(local, "hello", "Hello server v=8.0.1 sha=0");
        script(usr, "hello", "Hello server v=7.0.15 sha=0");
        try (BinaryResolver resolver = new BinaryResolver(cache, URI.create("http://127.0.0.1:9/"))) {
            ResolvedBinaries seven = resolver.onHost(probed("7", local, usr)).orElseThrow();
            ResolvedBinaries eight = resolver.onHost(probed("8", local, usr)).orElseThrow();

            assertThat(seven.binary("hello")).isEqualTo(usr.resolve("hello"));
            assertThat(seven.version()).isEqualTo("7.0.15");
            assertThat(seven.describe()).isEqualTo(usr + ": hello 7.0.15");
            assertThat(eight.binary("hello")).isEqualTo(local.resolve("hello"));
            assertThat(resolver.onHost(probed("9", local, usr))).isEmpty();
            assertThat(resolver.whyNotOnHost(probed("9", local, usr))).isEqualTo("Hello 9: needs hello 9.x in [" + local + ", " + usr + "], found "
                    + local.resolve("hello") + " version 8.0.1, " + usr.resolve("hello") + " version 7.0.15");
        }
    }

    @Test
    void aBinaryThatReportsNoVersionIsNotTakenAndWhatItSaidIsReported() throws Exception {
        Path bin = elsewhere.resolve("bin");
        script(bin, "hello", "unknown option --version");
        try (BinaryResolver resolver = new BinaryResolver(cache, URI.create("http://127.0.0.1:9/"))) {
            assertThat(resolver.onHost(probed("7", bin))).isEmpty();
            assertThat(resolver.whyNotOnHost(probed("7", bin))).isEqualTo("Hello 7: needs hello 7.x in [" + bin + "], found "
                    + bin.resolve("hello") + " of unknown version (it said: unknown option --version)");
        }
    }

    @Test
    void takesTheFirstCandidateTheHostHasAndSaysWhyWhenItHasNone() throws Exception {
        Path bin = elsewhere.resolve("bin");
        script(bin, "hello", "Hello server v=7.0.15");
        BinaryDistribution preferred = new BinaryDistribution("Greeter 7", List.of(bin), List.of("greeter"), null);
        BinaryDistribution alternative = probed("7", bin);
        try (BinaryResolver resolver = new BinaryResolver(cache, URI.create("http://127.0.0.1:9/"))) {
            ResolvedBinaries found = resolver.resolve(List.of(preferred, alternative), "test", ProgressListener.NONE);

            assertThat(found.distribution()).isSameAs(alternative);
            assertThat(found.binary("hello")).isEqualTo(bin.resolve("hello"));
            assertThatThrownBy(() -> resolver.resolve(List.of(preferred, probed("8", bin)), "test",
                    ProgressListener.NONE))
                    .isInstanceOf(ProvisioningException.class)
                    .hasMessage("No binaries for Greeter 7: [greeter] not found in [" + bin + "]; Hello 8: needs hello"
                            + " 8.x in [" + bin + "], found " + bin.resolve("hello") + " version 7.0.15; no download is offered."
                            + " Install them there, or use the container runtime (runtime = \"container\", --runtime container).");
        }
    }
}
