package dev.addons.examples.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Looks for passwords in files. Passwords are 32 letters and digits (what
 * {@code Secrets.password()} makes), so only runs of at least 32 letters and digits are compared,
 * every 32-character window of them: a password inside a URL, a JSON string or a longer token is
 * found too. A finding names the file and line, never the password. Stateless.
 */
final class SecretsScan {
    static final int LENGTH = 32;

    /** Where a password was found. */
    record Finding(Path file, int line) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    private SecretsScan() {
    }

    /** The passwords a file lists, one a line. */
    static Set<String> passwords(Path file) throws IOException {
        Set<String> passwords = new HashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (line.length() == LENGTH) {
                passwords.add(line);
            }
        }
        return passwords;
    }

    /** Every line of {@code files} that holds one of {@code passwords}. */
    static List<Finding> scan(Set<String> passwords, Collection<Path> files) throws IOException {
        List<Finding> found = new ArrayList<>();
        for (Path file : files) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            int line = 1;
            int run = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\n') {
                    line++;
                }
                run = Character.isLetterOrDigit(c) && c < 128 ? run + 1 : 0;
                if (run >= LENGTH && passwords.contains(text.substring(i + 1 - LENGTH, i + 1))) {
                    found.add(new Finding(file, line));
                }
            }
        }
        return found;
    }

    /**
     * What the suite wrote, under each module of {@code root}: surefire's reports and output
     * files, the standard error of the JVMs tests started, and the CLI's recorded output.
     */
    static List<Path> suiteOutputs(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        // The root's modules, and those nested a level down (examples/spring-shop).
        try (Stream<Path> modules = Files.walk(root, 2)) {
            for (Path module : modules.filter(m -> !m.equals(root) && Files.isDirectory(m.resolve("target")))
                    .sorted().toList()) {
                for (String place : List.of("surefire-reports", "other-jvm")) {
                    Path directory = module.resolve("target").resolve(place);
                    if (Files.isDirectory(directory)) {
                        try (Stream<Path> all = Files.walk(directory)) {
                            all.filter(Files::isRegularFile).filter(SecretsScan::isText).forEach(files::add);
                        }
                    }
                }
                Path cli = module.resolve("target").resolve("cli-output.txt");
                if (Files.isRegularFile(cli)) {
                    files.add(cli);
                }
            }
        }
        return files;
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".txt") || name.endsWith(".xml") || name.endsWith(".err") || name.endsWith(".log")
                || name.endsWith(".dump") || name.endsWith(".dumpstream");
    }
}
