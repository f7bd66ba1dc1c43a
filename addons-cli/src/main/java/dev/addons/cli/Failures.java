package dev.addons.cli;

import dev.addons.api.AddonNotFoundException;
import dev.addons.api.InvalidSpecException;
import dev.addons.api.spi.Redaction;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns what went wrong into an exit code and one line on stderr: 2 for bad input (a usage
 * error, {@link InvalidSpecException}, {@link AddonNotFoundException}), 1 for everything else.
 * With {@code --verbose} the cause chain follows that line.
 */
final class Failures implements IExecutionExceptionHandler, IParameterExceptionHandler {
    /** Exit code for bad input. */
    static final int BAD_INPUT = CommandLine.ExitCode.USAGE;
    /** Exit code for a failure. */
    static final int FAILED = CommandLine.ExitCode.SOFTWARE;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        // A misplaced --url value is quoted by picocli: never with its password.
        command.getErr().println("addons: " + Redaction.urlPasswords(oneLine(ex.getMessage()))
                + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
        return BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        err.println("addons: " + describe(ex));
        if (isVerbose(command)) {
            for (Throwable cause = ex.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                err.println("  caused by: " + cause.getClass().getName() + ": " + oneLine(cause.getMessage()));
            }
        }
        return exitCode(ex);
    }

    /** The exit code for a failed command. */
    static int exitCode(Throwable failure) {
        if (failure instanceof InvalidSpecException || failure instanceof AddonNotFoundException
                || failure instanceof ParameterException) {
            return BAD_INPUT;
        }
        return FAILED;
    }

    /** The failure's message on one line, or its type when it has none. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        return oneLine(message);
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static boolean isVerbose(CommandLine command) {
        CommandLine top = command;
        while (top.getParent() != null) {
            top = top.getParent();
        }
        return top.getCommand() instanceof Main && ((Main) top.getCommand()).verbose();
    }
}
