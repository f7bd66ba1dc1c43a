package dev.addons.core.internal.process;

import dev.addons.api.ProvisioningException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One run of an engine tool as a child process: its standard input fed from a stream on a thread
 * of its own, its standard output copied to a stream, its standard error kept in a private file
 * whose last lines go into the failure. The environment's values never appear in a message.
 */
final class ToolRun {
    private static final int ERROR_TAIL_LINES = 15;

    private ToolRun() {
    }

    /**
     * Runs {@code command} (which runs {@code tool}, perhaps through another program) with exactly
     * {@code environment} and waits; throws {@link ProvisioningException} naming {@code subject} and
     * the tool when it fails.
     */
    static void run(String subject, String tool, List<String> command, Map<String, String> environment,
            InputStream stdin, OutputStream stdout) {
        Path errors = null;
        Process process = null;
        ExecutorService feeder = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "addons-tool-stdin");
            thread.setDaemon(true);
            return thread;
        });
        try {
            errors = Files.createTempFile("addons-tool-", ".err", ServerDirectories.PRIVATE_FILE);
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
            builder.environment().clear(); // the caller's environment is the whole of it
            builder.environment().putAll(environment);
            if (stdin == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            process = builder.start();
            Process started = process;
            Future<?> fed = stdin == null ? null : feeder.submit(() -> {
                try (OutputStream toTool = started.getOutputStream()) {
                    stdin.transferTo(toTool);
                } catch (IOException e) {
                    // The tool closed its input early; its exit status says whether that was a failure.
                }
                return null;
            });
            try (InputStream fromTool = process.getInputStream()) {
                fromTool.transferTo(stdout);
            }
            int status = process.waitFor();
            if (fed != null) {
                fed.get();
            }
            if (status != 0) {
                throw new ProvisioningException(subject + ": " + tool + " exited with status " + status + tail(errors));
            }
        } catch (IOException e) {
            throw new ProvisioningException(subject + ": cannot run " + tool + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException(subject + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new ProvisioningException(subject + ": feeding its input failed: " + e.getCause(), e.getCause());
        } finally {
            feeder.shutdownNow();
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            if (errors != null) {
                try {
                    Files.deleteIfExists(errors);
                } catch (IOException e) {
                    // A temporary file left in the temp directory; nothing depends on it.
                }
            }
        }
    }

    /** The last lines the tool wrote to its standard error, as the end of a message. */
    static String tail(Path errors) {
        try {
            List<String> lines = Files.readAllLines(errors);
            List<String> last = new ArrayList<>(lines.subList(Math.max(0, lines.size() - ERROR_TAIL_LINES),
                    lines.size()));
            return last.isEmpty() ? "" : ":\n" + String.join("\n", last);
        } catch (IOException | UncheckedIOException e) {
            return " (its error output cannot be read: " + e.getMessage() + ")";
        }
    }
}
