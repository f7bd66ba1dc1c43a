package dev.addons.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySyncsTest {
    @TempDir
    Path dir;

    @Test
    void oneForceCoversEveryRenameCountedBeforeIt() throws Exception {
        DirectorySyncs syncs = new DirectorySyncs();
        PrivateFiles.replace(dir.resolve("a.json"), new byte[] {1});
        long first = syncs.renamed(dir);
        PrivateFiles.replace(dir.resolve("b.json"), new byte[] {2});
        long second = syncs.renamed(dir);

        syncs.sync(dir, second);
        syncs.sync(dir, first);

        assertThat(syncs.forces()).isEqualTo(1);
        assertThat(Files.readAllBytes(dir.resolve("a.json"))).containsExactly(1);
        assertThat(Files.readAllBytes(dir.resolve("b.json"))).containsExactly(2);
    }

    @Test
    void aRenameAfterAForceGetsAForceOfItsOwn() throws Exception {
        DirectorySyncs syncs = new DirectorySyncs();
        syncs.sync(dir, syncs.renamed(dir));
        long later = syncs.renamed(dir);

        syncs.sync(dir, later);

        assertThat(syncs.forces()).isEqualTo(2);
    }

    @Test
    void writersSyncingAtOnceShareForcesAndAllReturn() throws Exception {
        DirectorySyncs syncs = new DirectorySyncs();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                Path file = dir.resolve(i + ".json");
                writers.add(CompletableFuture.runAsync(() -> {
                    try {
                        PrivateFiles.replace(file, new byte[] {7});
                        syncs.sync(dir, syncs.renamed(dir));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, pool));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(syncs.forces()).isBetween(1L, 64L);
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".json")).count()).isEqualTo(64);
        }
    }
}
