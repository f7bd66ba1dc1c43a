package dev.addons.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the addons command in this JVM with captured stdout and stderr. */
final class Cli {
    private Cli() {
    }

    /** What one execution printed and returned. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs {@code args} on {@code main}; use a new {@code Main} for each run, as picocli wants. */
    static Result run(Main main, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(main);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        Result result = new Result(exitCode, out.toString(), err.toString());
        keep(args, result);
        return result;
    }

    /**
     * Appends what the run printed to {@code target/cli-output.txt}, which the suite's secrets
     * scan reads: nothing the CLI prints may hold a password, except what {@code env --reveal}
     * prints on stdout, which is what it is asked for.
     */
    static void keep(String[] args, Result result) {
        boolean printsVariables = java.util.Arrays.asList(args).contains("--reveal");
        // The command line is the test's input, not the CLI's output: a URL's password given there is masked.
        String command = String.join(" ", args).replaceAll("://([^:/@\\s]*):[^@\\s]*@", "://$1:<given>@");
        String kept = "$ addons " + command + "\n" + (printsVariables ? "" : result.out()) + result.err();
        try {
            java.nio.file.Path file = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"))
                    .resolve("cli-output.txt");
            java.nio.file.Files.writeString(file, kept, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
