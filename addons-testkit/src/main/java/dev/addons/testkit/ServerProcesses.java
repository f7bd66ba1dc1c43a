package dev.addons.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a test checks is gone after a destroy: processes working in a directory. Stateless. */
public final class ServerProcesses {

    private ServerProcesses() {
    }

    /**
     * The pids of processes whose working directory is {@code directory} or below it (the process
     * runtime starts each server in its own directory; a deleted one still shows, with
     * {@code (deleted)} appended).
     */
    public static List<Long> under(Path directory) throws IOException {
        String prefix = directory.toAbsolutePath().toString();
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : proc) {
                try {
                    String cwd = Files.readSymbolicLink(process.resolve("cwd")).toString();
                    if (cwd.equals(prefix) || cwd.startsWith(prefix + "/") || cwd.startsWith(prefix + " ")) {
                        pids.add(Long.parseLong(process.getFileName().toString()));
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // gone meanwhile, or a kernel thread
                }
            }
        }
        return pids;
    }
}
