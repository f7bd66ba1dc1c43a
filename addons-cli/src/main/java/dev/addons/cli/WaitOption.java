package dev.addons.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --wait[=DURATION]}: wait while the app's addons are pending or provisioning. */
final class WaitOption {
    /** How long a bare {@code --wait} waits. */
    static final String DEFAULT = "5m";
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--wait", arity = "0..1", paramLabel = "DURATION", fallbackValue = DEFAULT,
            description = "Wait while the app's addons are pending or provisioning (or not there yet), up to"
                    + " DURATION (default " + DEFAULT + "; e.g. --wait=30s), printing their status changes on"
                    + " stderr. A failed or stopped addon, or the time running out, ends it with exit code 1.")
    String wait;

    /** The wait asked for, if any. */
    Optional<Duration> duration() {
        if (wait == null) {
            return Optional.empty();
        }
        Matcher matcher = DURATION.matcher(wait.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new ParameterException(spec.commandLine(), "--wait '" + wait + "' is not a duration. Allowed: a"
                    + " number and a unit, ms, s, m or h (e.g. --wait=30s, --wait=5m), or --wait alone for "
                    + DEFAULT);
        }
        long amount = Long.parseLong(matcher.group(1));
        return Optional.of(switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        });
    }
}
