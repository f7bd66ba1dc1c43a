package dev.addons.cli;

import picocli.CommandLine.Option;

/** The {@code --env} option: which environment of the app, default {@code $ADDONS_ENV}, else production. */
final class EnvironmentOption {
    @Option(names = "--env", paramLabel = "ENV", defaultValue = "${env:ADDONS_ENV:-production}",
            description = "The environment (default: $ADDONS_ENV, else production).")
    String name;
}
