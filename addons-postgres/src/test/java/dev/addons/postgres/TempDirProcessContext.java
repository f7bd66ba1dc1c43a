package dev.addons.postgres;

import dev.addons.api.Endpoint;
import dev.addons.api.spi.ProcessContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Test-only {@link ProcessContext}: binaries in {@code bin}, {@code data} and {@code run} below
 * {@code directory}, helper commands handed to {@code runner} (which runs or records them).
 */
record TempDirProcessContext(Path bin, Path directory, Endpoint endpoint, Runner runner) implements ProcessContext {

    /** What {@link #run} does with a command and its input ({@code null} for none). */
    @FunctionalInterface
    interface Runner {
        void run(List<String> command, String input) throws IOException, InterruptedException;
    }

    @Override
    public Path binary(String name) {
        return bin.resolve(name);
    }

    @Override
    public Path dataDirectory() {
        return directory.resolve("data");
    }

    @Override
    public Path runDirectory() {
        return directory.resolve("run");
    }

    @Override
    public Path writePrivateFile(String name, String content) throws IOException {
        Files.createDirectories(runDirectory());
        Path file = runDirectory().resolve(name);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, content);
    }

    @Override
    public void run(List<String> command) throws IOException, InterruptedException {
        runner.run(command, null);
    }

    @Override
    public void run(List<String> command, String input) throws IOException, InterruptedException {
        runner.run(command, input);
    }
}
