package dev.addons.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.addons.api.AddonRecord;
import dev.addons.api.AddonSpec;
import dev.addons.api.Status;
import dev.addons.core.Addons;
import dev.addons.testkit.Loopback;
import dev.addons.testkit.OtherJvm;
import dev.addons.testkit.Race;
import dev.addons.testkit.ServerProcesses;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads of this JVM and a second JVM create, list and destroy memcached addons (dedicated
 * servers, which start in milliseconds) on one home at once, some for the same apps and some for
 * each worker's own (see {@link Race}). Afterwards no addon has two records or two servers, no
 * record is lost, and destroying everything leaves nothing. A worker still running after minutes is
 * reported as a deadlock: a hang detector, not a timed assertion.
 */
class MemcachedConcurrencyTest {
    private static final int THREADS = 8;
    private static final int ROUNDS = 5;
    private static final List<String> SAME = List.of("same-a", "same-b");
    private static final long HANG_MINUTES = 4;

    @Test
    void threadsAndASecondProcessRacingOnOneHomeMakeNoDuplicateServerLoseNoRecordAndLeaveNothing(@TempDir Path home)
            throws Exception {
        String version = new MemcachedUnderTest().processVersion();
        AddonSpec spec = AddonSpec.parse("memcached:small").withVersion(version);
        ExecutorService workers = Executors.newFixedThreadPool(THREADS);
        List<String> reports = new CopyOnWriteArrayList<>();
        Process other = null;
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            List<String> args = new ArrayList<>(List.of("race", Integer.toString(ROUNDS), "memcached:small", version,
                    "jvm-own"));
            args.addAll(SAME);
            other = OtherJvm.start(home, args.toArray(String[]::new));
            OtherJvm.Lines otherOut = OtherJvm.Lines.of(other);
            assertThat(otherOut.next(java.time.Duration.ofMinutes(2))).as("the second JVM is ready").contains("ready");

            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                Race race = new Race(addons, spec, "own-" + i, SAME, reports::add);
                running.add(workers.submit(() -> {
                    go.await();
                    race.run(ROUNDS);
                    return null;
                }));
            }
            go.countDown();
            try (OutputStream start = other.getOutputStream()) {
                start.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            for (Future<?> worker : running) {
                try {
                    worker.get(HANG_MINUTES, TimeUnit.MINUTES);
                } catch (TimeoutException e) {
                    fail("a worker thread is still running after " + HANG_MINUTES + " minutes: deadlock or hang");
                }
            }
            List<String> otherReports = otherOut.untilExit(java.time.Duration.ofMinutes(HANG_MINUTES));
            assertThat(other.exitValue()).as("the second JVM's exit code; its reports: %s; its stderr:%n%s", otherReports,
                    OtherJvm.stderr(home)).isZero();
            reports.addAll(otherReports);

            assertTheRaceHappened(reports);
            System.out.println("race outcomes: " + reports.stream().collect(Collectors.groupingBy(
                    MemcachedConcurrencyTest::outcome, TreeMap::new, Collectors.counting())));
            List<AddonRecord> records = addons.listAll();
            Race.assertOneRecordPerAddon(records);
            assertThat(records).extracting(AddonRecord::status).containsOnly(Status.ACTIVE);
            Set<String> owned = IntStream.range(0, THREADS).mapToObj(i -> "own-" + i).collect(Collectors.toSet());
            owned.add("jvm-own");
            assertThat(records).extracting(AddonRecord::app).filteredOn(owned::contains)
                    .as("the workers' own addons, all kept").containsExactlyInAnyOrderElementsOf(owned);
            assertThat(records).extracting(AddonRecord::app).allMatch(a -> owned.contains(a) || SAME.contains(a));
            assertOneRunningServerPerRecordAndNoOther(home, records);

            List<Integer> ports = new ArrayList<>();
            for (AddonRecord record : records) {
                Map<String, String> vars = addons.app(record.app(), "production").env().toMap();
                ports.add(new MemcachedUnderTest().endpoint(vars).port());
                addons.app(record.app(), "production").destroy(record.addon());
            }
            assertThat(ports).as("each server its own port").doesNotHaveDuplicates();
            assertThat(addons.listAll()).isEmpty();
            assertThat(ServerProcesses.under(home)).as("processes of the home").isEmpty();
            assertThat(ports).as("ports still listening").noneMatch(Loopback::isListening);
            try (Stream<Path> left = Files.list(home.resolve("servers"))) {
                assertThat(left).as("server directories left").isEmpty();
            }
        } finally {
            workers.shutdownNow();
            if (other != null) {
                other.destroyForcibly();
                other.waitFor(1, TimeUnit.MINUTES);
            }
            for (AddonRecord record : leftovers(home)) {
                System.err.println("left after a failure, destroyed: " + record.id());
            }
            for (long pid : ServerProcesses.under(home)) {
                // Servers no record knows of any more, made by this test in its own home.
                ProcessHandle.of(pid).ifPresent(p -> {
                    System.err.println("server process left after a failure, killed: " + pid);
                    p.destroyForcibly();
                    p.onExit().join();
                });
            }
        }
    }

    /** {@code created}, {@code destroyed}, or e.g. {@code refused create ProvisioningException}. */
    private static String outcome(String report) {
        String[] words = report.split(" ");
        return words[0].equals("refused") ? words[0] + " " + words[1] + " " + words[3] : words[0];
    }

    /** The workers did meet: both processes worked, and the raced apps were created. */
    private static void assertTheRaceHappened(List<String> reports) {
        assertThat(reports).as("reports of both processes").anyMatch(r -> r.startsWith("created jvm-own"))
                .anyMatch(r -> r.startsWith("created own-"));
        for (String app : SAME) {
            assertThat(reports).as("work on " + app).anyMatch(r -> r.startsWith("created " + app));
        }
    }

    /** Each record's server directory has running processes, and there is no other server directory or process. */
    private static void assertOneRunningServerPerRecordAndNoOther(Path home, List<AddonRecord> records)
            throws Exception {
        Path servers = home.resolve("servers");
        try (Stream<Path> dirs = Files.list(servers)) {
            assertThat(dirs.map(d -> d.getFileName().toString())).as("server directories")
                    .containsExactlyInAnyOrderElementsOf(records.stream().map(AddonRecord::id).toList());
        }
        int processes = 0;
        for (AddonRecord record : records) {
            List<Long> pids = ServerProcesses.under(servers.resolve(record.id()));
            assertThat(pids).as("processes of " + record.id()).isNotEmpty();
            processes += pids.size();
        }
        assertThat(ServerProcesses.under(servers)).as("server processes of the home").hasSize(processes);
    }

    /** Destroys whatever a failed run left, so that no server outlives the test. */
    private static List<AddonRecord> leftovers(Path home) {
        try (Addons addons = Addons.builder().home(home).runtime("process").automaticBackups(false).build()) {
            List<AddonRecord> left = addons.listAll();
            for (AddonRecord record : left) {
                addons.app(record.app(), record.environment()).destroy(record.addon());
            }
            return left;
        } catch (RuntimeException e) {
            System.err.println("cleanup of " + home + " failed: " + e);
            return List.of();
        }
    }
}
