package dev.addons.cli;

import dev.addons.core.Addons;
import dev.addons.core.RecordedAddons;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/**
 * The {@code addons} command: provisions an app's backing services and hands them over as
 * environment variables. Holds the global options ({@code --home}, {@code --json},
 * {@code --verbose}, {@code --runtime}) that every subcommand inherits, and opens the
 * {@link Addons} facade for them.
 *
 * <p>Exit codes: 0 success, 1 failure, 2 bad input (see {@link Failures}); {@code run} exits with
 * its command's code. One instance serves one execution; not thread-safe.
 */
@Command(name = "addons",
        description = "Provisions backing services (PostgreSQL, ...) for an app and hands them over"
                + " as environment variables.",
        versionProvider = Version.class,
        synopsisSubcommandLabel = "COMMAND")
public final class Main {
    /** The subcommands, in the order {@code --help} lists them. */
    private static final List<Class<?>> COMMANDS = List.of(
            ListAvailableCommand.class, VariantsCommand.class, CreateCommand.class, ListCommand.class,
            EnvCommand.class, DestroyCommand.class, DeployCommand.class, RunCommand.class, BackupCommand.class,
            RestoreCommand.class, BackupsCommand.class, MigrateCommand.class, RestartCommand.class, StopCommand.class,
            StartCommand.class, UpCommand.class, AgentCommand.class, HealthCommand.class, ServersCommand.class,
            WarmCommand.class);
    /** The global options that take a value as the next argument. */
    private static final java.util.Set<String> VALUE_OPTIONS = java.util.Set.of("--home", "--runtime");
    /** Where the level for {@code --verbose} is set before slf4j-simple makes its first logger. */
    private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.dev.addons";
    /** Testcontainers' level, off unless {@code --verbose} (see simplelogger.properties). */
    private static final String TESTCONTAINERS_LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.org.testcontainers";

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
            description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean versionRequested;

    @Option(names = "--home", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The addons home: state, server data and downloads."
                    + " Default: $ADDONS_HOME, else /var/lib/addons for root, else ~/.addons.")
    Path home;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Machine-readable output on stdout; progress goes to stderr.")
    boolean json;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Log the library's steps, and print the cause chain of a failure.")
    boolean verbose;

    @Option(names = "--runtime", paramLabel = "NAME", scope = ScopeType.INHERIT, defaultValue = "auto",
            description = "Where new servers run: process (engine binaries on this host), container (through"
                    + " the Docker API: DOCKER_HOST, Docker or Podman), or auto: container when a Docker API"
                    + " answers, else process; asked only when a new server may start"
                    + " (default: ${DEFAULT-VALUE}).")
    String runtime;

    private final AddonsFactory factory;

    /** The command as {@link #main} runs it, over the real facade. */
    public Main() {
        this(AddonsFactory.DEFAULT);
    }

    /** The command over {@code factory}, the seam tests use. */
    Main(AddonsFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory == null");
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // Answered before picocli reads the annotations of every command (most of this command's start).
            for (String line : new Version().getVersion()) {
                System.out.println(line);
            }
            System.out.flush();
            System.exit(0);
        }
        // What opening a home and reading an app file take first (Jackson's mappers, the JDK's
        // locale data, the readers of the records), made on a thread of its own while picocli
        // reads the command.
        Thread preload = new Thread(Main::preload, "addons-preload");
        preload.setDaemon(true);
        preload.start();
        // A command exits right after its output: the spare copy of a data template its start asked
        // for is made by a detached copier that outlives it, for the next command to take, and the
        // servers it starts are no children of it, whose reapers its exit would wait for.
        System.setProperty("addons.process.shortLived", "true");
        // Likewise the warm servers it took: bin/addons warm, detached, starts their replacements.
        String launcher = System.getProperty(AgentCommand.LAUNCHER_PROPERTY, "");
        if (!launcher.isBlank() && System.getProperty("addons.process.fillWarmAfterExit") == null) {
            System.setProperty("addons.process.fillWarmAfterExit", launcher);
        }
        System.exit(commandLine(new Main(), args).execute(args));
    }

    private static void preload() {
        try {
            Addons.preload();
        } catch (RuntimeException | LinkageError e) {
            // The command meets it again where it needs what failed, and reports it there.
        }
    }

    /** A configured command line for {@code main}: error handling, exit codes, {@code run}'s arguments. */
    public static CommandLine commandLine(Main main) {
        return commandLine(main, COMMANDS);
    }

    /**
     * {@link #commandLine(Main)} with, when {@code args} name a subcommand, that one alone: picocli
     * reads the annotations of every command it is given, which takes most of a command's start.
     * Anything else (no subcommand, an unknown one, help) gets them all, for the listing and the
     * suggestions.
     */
    static CommandLine commandLine(Main main, String[] args) {
        String word = commandWord(args);
        List<Class<?>> named = COMMANDS.stream()
                .filter(command -> command.getAnnotation(Command.class).name().equals(word)).toList();
        return commandLine(main, named.isEmpty() ? COMMANDS : named);
    }

    private static CommandLine commandLine(Main main, List<Class<?>> commands) {
        CommandLine commandLine = new CommandLine(main);
        commands.forEach(commandLine::addSubcommand);
        Failures failures = new Failures();
        commandLine.setExecutionExceptionHandler(failures);
        commandLine.setParameterExceptionHandler(failures);
        // Everything after run's first command word belongs to that command, with or without "--".
        CommandLine run = commandLine.getSubcommands().get("run");
        if (run != null) {
            run.setStopAtPositional(true);
        }
        return commandLine;
    }

    /** The first argument that is no global option or its value: the subcommand's name, if any. */
    private static String commandWord(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (VALUE_OPTIONS.contains(args[i])) {
                i++;
            } else if (!args[i].startsWith("-")) {
                return args[i];
            }
        }
        return null;
    }

    /**
     * Opens the facade on the chosen home and runtime.
     *
     * @param transitions where status transitions and download progress are printed
     */
    Addons open(PrintWriter transitions) {
        if (verbose) {
            System.setProperty(LOG_LEVEL_PROPERTY, "info");
            System.setProperty(TESTCONTAINERS_LOG_LEVEL_PROPERTY, "info");
        }
        Watcher watcher = new Watcher(transitions, verbose);
        return factory.open(home(), runtime, watcher, watcher);
    }

    /** The chosen home's records, for commands that only read them (no runtime is made). */
    RecordedAddons recorded() {
        if (verbose) {
            System.setProperty(LOG_LEVEL_PROPERTY, "info");
        }
        return factory.recorded(home());
    }

    /** The addons home: {@code --home}, else {@link dev.addons.core.Addons#defaultHome()}. */
    Path home() {
        if (home != null) {
            return home.toAbsolutePath();
        }
        return dev.addons.core.Addons.defaultHome().toAbsolutePath();
    }

    boolean json() {
        return json;
    }

    boolean verbose() {
        return verbose;
    }
}
