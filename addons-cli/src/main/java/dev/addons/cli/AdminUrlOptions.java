package dev.addons.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where {@code servers add} reads the admin URL, which holds the server's admin password:
 * {@code --url-file}, {@code --url-stdin} or {@code --url-env}, none of which puts the password
 * in the process list, or {@code --url}, which does (any user of the host sees a command line
 * in {@code ps}). Exactly one is required. No message quotes what was read.
 */
final class AdminUrlOptions {
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--url-file", paramLabel = "FILE",
            description = "Read the admin URL (e.g. postgresql://admin:PASSWORD@10.0.0.5:5432/postgres or"
                    + " mysql://root:PASSWORD@10.0.0.6:3306/) from FILE, which only its owner may access"
                    + " (chmod 600); a file other users can read is refused.")
    Path file;

    @Option(names = "--url-stdin",
            description = "Read the admin URL from the first line of stdin (typed without echo on a terminal).")
    boolean stdin;

    @Option(names = "--url-env", paramLabel = "NAME",
            description = "Read the admin URL from the environment variable NAME.")
    String variable;

    @Option(names = "--url", paramLabel = "URL",
            description = "The admin URL itself. Avoid it: a command line is visible to every user of the host"
                    + " (ps, /proc) and is kept in shell history; use --url-file, --url-stdin or --url-env.")
    String url;

    /** The admin URL from the one source given; a {@link ParameterException} when none, several or a bad one. */
    String read() {
        List<String> given = new ArrayList<>();
        if (file != null) {
            given.add("--url-file");
        }
        if (stdin) {
            given.add("--url-stdin");
        }
        if (variable != null) {
            given.add("--url-env");
        }
        if (url != null) {
            given.add("--url");
        }
        if (given.size() != 1) {
            throw refused("the admin URL needs exactly one of --url-file FILE, --url-stdin, --url-env NAME"
                    + " or --url URL (which shows the password in the process list); "
                    + (given.isEmpty() ? "none was given" : "got " + String.join(", ", given)));
        }
        if (file != null) {
            return fromFile();
        }
        if (stdin) {
            return fromStdin();
        }
        if (variable != null) {
            return fromEnvironment();
        }
        return url;
    }

    private String fromFile() {
        String named = "--url-file '" + file + "'";
        Set<PosixFilePermission> permissions;
        String text;
        try {
            permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                String mode = PosixFilePermissions.toString(permissions);
                throw refused(named + " has mode " + mode + ": it holds the admin password, so only its owner may"
                        + " have access. Allowed: rw------- or r-------- (chmod 600 '" + file + "')");
            }
            if (!Files.isRegularFile(file)) {
                throw refused(named + " is not a regular file: use a file holding the admin URL");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw refused(named + ": no such file");
        } catch (UnsupportedOperationException e) {
            throw refused(named + " is on a file system without POSIX permissions, so addons cannot check that"
                    + " only its owner may read it: use --url-stdin or --url-env");
        } catch (IOException e) {
            throw refused(named + " cannot be read: " + e.getMessage());
        }
        String value = text.strip();
        if (value.isEmpty()) {
            throw refused(named + " is empty: it must hold the admin URL");
        }
        if (value.lines().count() > 1) {
            throw refused(named + " holds " + value.lines().count() + " lines: it must hold the admin URL alone,"
                    + " on one line");
        }
        return value;
    }

    private String fromStdin() {
        Console console = System.console();
        String line;
        if (console != null) {
            char[] typed = console.readPassword("Admin URL: ");
            line = typed == null ? null : new String(typed);
        } else {
            try {
                // Not closed: stdin is the process's, not ours.
                line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                throw new UncheckedIOException("--url-stdin: reading stdin failed", e);
            }
        }
        if (line == null) {
            throw refused("--url-stdin: stdin ended before a line: give the admin URL on its first line");
        }
        if (line.isBlank()) {
            throw refused("--url-stdin: the first line of stdin is empty: give the admin URL on it");
        }
        return line.strip();
    }

    private String fromEnvironment() {
        String value = System.getenv(variable);
        if (value == null) {
            throw refused("--url-env " + variable + ": no such environment variable: export " + variable
                    + " with the admin URL");
        }
        if (value.isBlank()) {
            throw refused("--url-env " + variable + ": the environment variable is empty: set it to the admin URL");
        }
        return value.strip();
    }

    private ParameterException refused(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
