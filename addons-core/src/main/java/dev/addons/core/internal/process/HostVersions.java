package dev.addons.core.internal.process;

import dev.addons.api.spi.BinaryDistribution.VersionProbe;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link VersionProbe}s on binaries found on the host and remembers the answers for as long
 * as the binary's file stays the same (path, size and modification time), so that listings and
 * starts do not run {@code --version} again each time. A probe runs as this JVM's user, with no
 * input, its output (at most {@value #MAX_OUTPUT} bytes read) going to a temporary file rather
 * than a pipe, so that a binary that leaves a child behind cannot block the read. Thread-safe.
 */
final class HostVersions {
    private static final Logger LOG = LoggerFactory.getLogger(HostVersions.class);
    private static final long TIMEOUT_MILLIS = 10_000;
    private static final int MAX_OUTPUT = 8192;

    private final ConcurrentMap<String, Answer> answers = new ConcurrentHashMap<>();

    /**
     * What a binary said about its version.
     *
     * @param version   the version the probe's pattern found, or {@code null}
     * @param firstLine the first line of its output, or why it gave none
     */
    record Answer(String version, String firstLine) {
        Optional<String> versionIfAny() {
            return Optional.ofNullable(version);
        }

        /** For messages: {@code version 7.0.15}, or what was said instead. */
        String describe() {
            return version != null ? "version " + version : "of unknown version (it said: " + firstLine + ")";
        }
    }

    /** What {@code binary} answers to {@code probe}. */
    Answer probe(Path binary, VersionProbe probe) throws InterruptedException {
        String key;
        try {
            key = binary + "\0" + Files.size(binary) + "\0" + Files.getLastModifiedTime(binary).toMillis() + "\0"
                    + probe.arguments() + "\0" + probe.pattern();
        } catch (IOException e) {
            return new Answer(null, "cannot read " + binary + ": " + e.getMessage());
        }
        Answer known = answers.get(key);
        if (known != null) {
            return known;
        }
        Answer answer = run(binary, probe);
        if (answer.version() != null) {
            answers.put(key, answer); // failures are not remembered: the next call tries again
        }
        return answer;
    }

    private static Answer run(Path binary, VersionProbe probe) throws InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(probe.arguments());
        Path output = null;
        try {
            output = Files.createTempFile("addons-version-", ".txt");
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(output.toFile())
                    .redirectErrorStream(true)
                    .start();
            if (!process.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Answer(null, String.join(" ", command) + " did not answer within "
                        + TIMEOUT_MILLIS / 1000 + " s");
            }
            String text;
            try (InputStream in = Files.newInputStream(output)) {
                text = new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
            }
            String firstLine = text.lines().findFirst().orElse("(nothing)").strip();
            Answer answer = new Answer(probe.versionIn(text).orElse(null), firstLine);
            LOG.debug("{} {} says {}", binary, probe.arguments(), firstLine);
            return answer;
        } catch (IOException e) {
            return new Answer(null, "cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    LOG.debug("Cannot delete {}", output, e);
                }
            }
        }
    }
}
