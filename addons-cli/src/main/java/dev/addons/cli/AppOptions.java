package dev.addons.cli;

import dev.addons.core.Addons;
import dev.addons.core.App;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The app and environment a command works on: {@code -a APP [--env ENV]}. */
final class AppOptions {
    @Option(names = {"-a", "--app"}, paramLabel = "APP", required = true, description = "The app's name.")
    String app;

    @Mixin
    EnvironmentOption environment;

    String environment() {
        return environment.name;
    }

    /** This app in this environment, of {@code addons}. */
    App in(Addons addons) {
        return addons.app(app, environment());
    }
}
