package dev.addons.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The command rows: {@code bin/addons} of this checkout run as a user runs it, wall time from the
 * process's start to its exit, and for a deploy also to the last byte of its standard output (the
 * difference is what it does after its output, e.g. handing the spare copy of the data template
 * for the next start to a copier). Per repetition, in this order: {@code --version}; {@code deploy} of an app file
 * with one PostgreSQL {@code small} addon in a new home, then {@code destroy} of it; the same in
 * one old home kept for the whole row, with {@code env} and {@code list} of the app timed while its
 * server runs; then the deploy and destroy in a third home whose settings keep a warm pool of one
 * PostgreSQL server ({@code JAVA_TOOL_OPTIONS=-Daddons.process.warm.postgresql.<version>=1}), filled
 * by an untimed {@code bin/addons warm} before each deploy. All use the machine's shared binary cache
 * (the default, or {@code ADDONS_CACHE}), where the data templates live. Each new home is deleted
 * after its destroy, the warm one after {@code warm --remove}. Each command starts once the background
 * work the commands before it left is done (spare copies, pool fills; see {@link BackgroundWork}),
 * so that each figure is the command's own time, not its share of two cores with that work; and
 * once the files its JVM maps are read into the page cache ({@link #cacheTheCommandsFiles}).
 */
final class CliRows {
    private static final String APP = "cli-bench";
    private static final long LIMIT_SECONDS = 300;

    private final Path home;
    private final String version;
    private final PrintStream out;
    private final Path launcher = Path.of("bin", "addons").toAbsolutePath();

    CliRows(Path home, String version, PrintStream out) {
        this.home = home;
        this.version = version;
        this.out = out;
    }

    /** {@code warmups} untimed and {@code reps} timed repetitions of every command. */
    Map<String, Object> commands(int warmups, int reps) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("row", "cli: bin/addons, postgresql/small/process " + version + ", wall ms");
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (String name : List.of("version", "deployNewHomeOutput", "deployNewHomeExit", "destroyNewHome",
                "deployOldHomeOutput", "deployOldHomeExit", "envOldHome", "listOldHome", "destroyOldHome",
                "deployWarmHomeOutput", "deployWarmHomeExit", "destroyWarmHome")) {
            samples.put(name, new ArrayList<>());
        }
        try {
            Path file = Files.writeString(home.resolve("cli-bench.toml"), "name = \"" + APP + "\"\n\n"
                    + "[addons.postgresql]\nvariant = \"small\"\nversion = \"" + version + "\"\n");
            Path old = Files.createDirectories(home.resolve("cli-old-home"));
            Path warm = Files.createDirectories(home.resolve("cli-warm-home"));
            Map<String, String> warmSetting = Map.of("JAVA_TOOL_OPTIONS",
                    "-Daddons.process.warm.postgresql." + version + "=1");
            // The homes are inside the harness's: as root, the engines' user must pass through it.
            Set<PosixFilePermission> mode = EnumSet.copyOf(Files.getPosixFilePermissions(home));
            mode.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(home, mode);
            for (int i = 0; i < warmups + reps; i++) {
                boolean timed = i >= warmups;
                Timing versionRun = run(List.of("--version"));
                Path fresh = Files.createTempDirectory(home, "cli-new-home-");
                Timing deployNew = run(List.of("--home", fresh.toString(), "--runtime", "process", "deploy", "-f",
                        file.toString()));
                Timing destroyNew = run(List.of("--home", fresh.toString(), "destroy", "postgresql", "-a", APP,
                        "--no-backup"));
                deleteTree(fresh);
                Timing deployOld = run(List.of("--home", old.toString(), "--runtime", "process", "deploy", "-f",
                        file.toString()));
                Timing envOld = run(List.of("--home", old.toString(), "env", "-a", APP));
                Timing listOld = run(List.of("--home", old.toString(), "list", "-a", APP));
                Timing destroyOld = run(List.of("--home", old.toString(), "destroy", "postgresql", "-a", APP,
                        "--no-backup"));
                run(List.of("--home", warm.toString(), "warm"), warmSetting);
                Timing deployWarm = run(List.of("--home", warm.toString(), "--runtime", "process", "deploy", "-f",
                        file.toString()), warmSetting);
                Timing destroyWarm = run(List.of("--home", warm.toString(), "destroy", "postgresql", "-a", APP,
                        "--no-backup"), warmSetting);
                if (timed) {
                    samples.get("version").add(versionRun.exitMs());
                    samples.get("deployNewHomeOutput").add(deployNew.outputMs());
                    samples.get("deployNewHomeExit").add(deployNew.exitMs());
                    samples.get("destroyNewHome").add(destroyNew.exitMs());
                    samples.get("deployOldHomeOutput").add(deployOld.outputMs());
                    samples.get("deployOldHomeExit").add(deployOld.exitMs());
                    samples.get("envOldHome").add(envOld.exitMs());
                    samples.get("listOldHome").add(listOld.exitMs());
                    samples.get("destroyOldHome").add(destroyOld.exitMs());
                    samples.get("deployWarmHomeOutput").add(deployWarm.outputMs());
                    samples.get("deployWarmHomeExit").add(deployWarm.exitMs());
                    samples.get("destroyWarmHome").add(destroyWarm.exitMs());
                }
            }
            deleteTree(old);
            // The replacement a deploy's exit started may still be starting: warm fills it first, then --remove.
            run(List.of("--home", warm.toString(), "warm"), warmSetting);
            run(List.of("--home", warm.toString(), "warm", "--remove"), warmSetting);
            deleteTree(warm);
            samples.forEach((name, values) -> row.put(name + "Ms", Stats.of(values)));
        } catch (IOException | RuntimeException e) {
            row.put("note", "failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            row.put("note", "interrupted");
        }
        out.println(Report.scale(row));
        return row;
    }

    /** When a command's output ended and when it exited, in ms after its start. */
    private record Timing(double outputMs, double exitMs) {
    }

    /** Runs {@code bin/addons args}; fails naming the command and its error output when it exits with non-zero. */
    private Timing run(List<String> args) throws IOException, InterruptedException {
        return run(args, Map.of());
    }

    /** {@link #run(List)} with {@code environment} added to the command's. */
    private Timing run(List<String> args, Map<String, String> environment) throws IOException, InterruptedException {
        BackgroundWork.await(LIMIT_SECONDS);
        cacheTheCommandsFiles();
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(args);
        Path errors = Files.createTempFile(home, "cli-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        Process process = builder.start();
        AtomicLong lastByte = new AtomicLong(-1);
        Thread reader = new Thread(() -> {
            try (InputStream output = process.getInputStream()) {
                byte[] buffer = new byte[8192];
                for (int n = output.read(buffer); n >= 0; n = output.read(buffer)) {
                    if (n > 0) {
                        lastByte.set(System.nanoTime());
                    }
                }
            } catch (IOException e) {
                // The process ended: its output ends here.
            }
        }, "cli-output");
        reader.start();
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", args) + " did not end within " + LIMIT_SECONDS + " s");
        }
        long exited = System.nanoTime();
        reader.join(TimeUnit.SECONDS.toMillis(10));
        String stderr = Files.readString(errors, StandardCharsets.UTF_8);
        Files.delete(errors);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", args) + " exited with " + process.exitValue() + ": "
                    + stderr.strip());
        }
        long output = lastByte.get() < 0 ? exited : lastByte.get();
        return new Timing((output - started) / 1e6, (exited - started) / 1e6);
    }

    /**
     * Reads the files a command's JVM maps into the page cache: the JDK's modules, {@code bin/addons},
     * the CLI's class path and its class data sharing archives. A machine with memory to spare
     * keeps them cached between commands; the development machine's kernel (DAMON reclaim) drops
     * files left idle for a few seconds, and a command that followed a pause (the harness's wait
     * for background work) read them from disk first: a destroy took 430-554 ms so, 319-322 with
     * them cached, most of it before {@code main}.
     */
    private void cacheTheCommandsFiles() throws IOException {
        Path cli = Path.of("addons-cli", "target").toAbsolutePath();
        List<Path> files = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "lib", "modules"),
                launcher));
        Path classpath = cli.resolve("classpath.txt");
        if (Files.isRegularFile(classpath)) {
            for (String entry : Files.readString(classpath, StandardCharsets.UTF_8).strip().split(":")) {
                files.add(Path.of(entry));
            }
        }
        for (Path directory : List.of(cli, cli.resolve("cds"))) {
            if (Files.isDirectory(directory)) {
                try (var listed = Files.list(directory)) {
                    listed.filter(f -> f.toString().endsWith(".jar") || f.toString().endsWith(".jsa"))
                            .forEach(files::add);
                }
            }
        }
        byte[] buffer = new byte[1 << 16];
        for (Path file : files) {
            if (Files.isRegularFile(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    while (in.read(buffer) >= 0) {
                        // read through
                    }
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
