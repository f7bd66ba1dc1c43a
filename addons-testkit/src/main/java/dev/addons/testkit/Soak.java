package dev.addons.testkit;

import dev.addons.api.AddonSpec;
import dev.addons.api.Endpoint;
import dev.addons.core.Addons;
import dev.addons.core.internal.process.ProcessRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A soak: creates and destroys addons in a loop on one home, for a number of cycles or a time
 * (a shared variant's server kept up by one more app meanwhile, as other apps would), then reports what was left behind: processes working under the home, ports the addons used
 * that still listen, file descriptors this JVM holds beyond those after the first cycle, and
 * files or directories the home holds beyond those after the first cycle. Usage:
 * {@code Soak --home DIR [--cycles N] [--minutes M] [--runtime process|container] ADDON[:VARIANT][@VERSION]...}
 * ({@code examples/soak.sh}). Exits 1 when something leaked. Not thread-safe.
 */
public final class Soak {
    private Soak() {
    }

    /** What a soak did and what it left. */
    public record Report(int cycles, long millis, int descriptorsAfterFirstCycle, int descriptorsAtEnd,
            List<Long> processesLeft, List<Integer> portsStillListening, List<String> pathsLeft) {
        /** Whether nothing leaked. */
        public boolean clean() {
            return processesLeft.isEmpty() && portsStillListening.isEmpty() && pathsLeft.isEmpty()
                    && descriptorsAtEnd <= descriptorsAfterFirstCycle;
        }

        @Override
        public String toString() {
            return "soak: " + cycles + " cycles in " + millis + " ms; file descriptors " + descriptorsAfterFirstCycle
                    + " after the first cycle, " + descriptorsAtEnd + " at the end; processes left " + processesLeft
                    + "; ports still listening " + portsStillListening + "; files left " + pathsLeft
                    + (clean() ? "; nothing leaked" : "; LEAKED");
        }
    }

    public static void main(String[] args) throws Exception {
        Path home = null;
        int cycles = Integer.MAX_VALUE;
        Duration time = null;
        String runtime = "process";
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]);
                case "--cycles" -> cycles = Integer.parseInt(args[++i]);
                case "--minutes" -> time = Duration.ofMinutes(Long.parseLong(args[++i]));
                case "--runtime" -> runtime = args[++i];
                default -> specs.add(args[i]);
            }
        }
        if (home == null || specs.isEmpty() || (cycles == Integer.MAX_VALUE && time == null)) {
            System.err.println("usage: Soak --home DIR [--cycles N] [--minutes M] [--runtime process|container]"
                    + " ADDON[:VARIANT][@VERSION]...");
            System.exit(2);
        }
        Report report = run(home, runtime, specs, cycles, time);
        System.out.println(report);
        System.exit(report.clean() ? 0 : 1);
    }

    /**
     * Runs cycles of: create every spec for one app, connect to each endpoint, destroy them all;
     * until {@code cycles} are done or {@code time} (when given) has passed.
     */
    public static Report run(Path home, String runtime, List<String> specs, int cycles, Duration time)
            throws IOException {
        long start = System.nanoTime();
        long deadline = time == null ? Long.MAX_VALUE : start + time.toNanos();
        Set<Integer> ports = new TreeSet<>();
        int descriptors = 0;
        Set<String> paths = Set.of();
        int done = 0;
        // The binary cache, and with it the data templates and their spares, inside the home: checked with it.
        try (Addons addons = Addons.builder().home(home).cache(home.resolve("cache")).runtime(runtime)
                .automaticBackups(false).build()) {
            // A shared server stays up while it has a tenant, as it does where other apps use it.
            List<String> anchored = specs.stream().filter(spec -> spec.contains(":shared")).toList();
            List<String> anchors = create(addons, "soakanchor", anchored);
            while (done < cycles && System.nanoTime() < deadline) {
                cycle(addons, "soak" + done, specs, ports);
                done++;
                if (done == 1) {
                    descriptors = descriptors();
                    paths = paths(home);
                }
                if (done % 10 == 0) {
                    System.err.println("soak: " + done + " cycles");
                }
            }
            for (String name : anchors) {
                addons.app("soakanchor", "production").destroy(name, dev.addons.core.FinalBackup.SKIP);
            }
        }
        Set<String> left = paths(home);
        left.removeAll(paths);
        // A template's ready spare is a bounded cache, made in the background whenever the one
        // before was taken (maybe first after the first cycle): more of them than a template keeps is a leak.
        left.removeIf(path -> path.matches("cache/templates/[^/]+/spares(/<spare>(/.*)?)?"));
        left.addAll(excessSpares(home));
        return new Report(done, (System.nanoTime() - start) / 1_000_000, descriptors, descriptors(),
                ServerProcesses.under(home), ports.stream().filter(Loopback::isListening).toList(), List.copyOf(left));
    }

    private static void cycle(Addons addons, String app, List<String> specs, Set<Integer> ports) throws IOException {
        List<String> names = create(addons, app, specs);
        for (String name : names) {
            Endpoint endpoint = endpointOf(addons, app, name);
            ports.add(endpoint.port());
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 5_000);
            }
        }
        for (String name : names) {
            addons.app(app, "production").destroy(name, dev.addons.core.FinalBackup.SKIP);
        }
    }

    /** Creates each {@code ADDON[:VARIANT][@VERSION]} for the app; returns the addons' names. */
    private static List<String> create(Addons addons, String app, List<String> specs) {
        List<String> names = new ArrayList<>();
        for (String spec : specs) {
            String[] nameAndVersion = spec.split("@", 2);
            AddonSpec parsed = AddonSpec.parse(nameAndVersion[0]);
            if (nameAndVersion.length == 2) {
                parsed = parsed.withVersion(nameAndVersion[1]);
            }
            names.add(addons.app(app, "production").create(parsed).addon());
        }
        return names;
    }

    /** The host and port of the first URL among the addon's variables. */
    private static Endpoint endpointOf(Addons addons, String app, String addon) {
        String url = addons.app(app, "production").credentials(addon).toMap().values().stream()
                .filter(v -> v.contains("://")).findFirst().orElseThrow(() ->
                        new IllegalStateException(addon + " has no URL among its variables"));
        URI uri = URI.create(url);
        return new Endpoint(uri.getHost(), uri.getPort());
    }

    private static int descriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    /**
     * The home's files and directories. A template's spare copy (made in the background, renamed
     * into place when complete, taken by the next start) is named by a random id: every ready one
     * is listed as {@code spares/<spare>}, so that one copy replacing another is no file left
     * behind, while a half-made one (hidden) still is.
     */
    private static Set<String> paths(Path home) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> all = Files.walk(home)) {
                return all.map(p -> READY_SPARE.matcher(home.relativize(p).toString()).replaceFirst("$1<spare>"))
                        .collect(Collectors.toCollection(TreeSet::new));
            } catch (UncheckedIOException | NoSuchFileException e) {
                // A spare was renamed or taken while the walk went through it.
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** The templates' spare directories holding more ready spares than a template keeps by default. */
    private static List<String> excessSpares(Path home) throws IOException {
        Path templates = home.resolve("cache").resolve("templates");
        if (!Files.isDirectory(templates)) {
            return List.of();
        }
        List<String> excess = new ArrayList<>();
        try (Stream<Path> listed = Files.list(templates)) {
            for (Path spares : listed.map(template -> template.resolve("spares")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> ready = Files.list(spares)) {
                    long count = ready.filter(path -> !path.getFileName().toString().startsWith(".")).count();
                    if (count > ProcessRuntime.DEFAULT_SPARES) {
                        excess.add(home.relativize(spares) + " holds " + count + " ready spares");
                    }
                }
            }
        }
        return excess;
    }

    private static final Pattern READY_SPARE = Pattern.compile("^(cache/templates/[^/]+/spares/)[^./][^/]*");
}
