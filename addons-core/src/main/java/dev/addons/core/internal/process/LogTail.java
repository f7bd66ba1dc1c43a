package dev.addons.core.internal.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The last lines of a server's log, for error messages. Engines' logs carry no passwords (the
 * runtime never puts one on a command line it logs), so the tail may be shown as it is.
 */
final class LogTail {
    /** Enough for 20 long lines; the tail of a large log is all that is read. */
    private static final int MAX_BYTES = 16 * 1024;

    private LogTail() {
    }

    /** The size of {@code file} now, to read only what is written after it later. */
    static long mark(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The last {@code maxLines} lines of {@code file} written after offset {@code from}, joined
     * with newlines; a note instead when there is nothing or the file cannot be read.
     */
    static String lastLines(Path file, long from, int maxLines) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(from, in.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) Math.max(0, in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
            return tail.isBlank() ? "(no output)" : tail;
        } catch (IOException e) {
            return "(" + file + " could not be read: " + e + ")";
        }
    }
}
