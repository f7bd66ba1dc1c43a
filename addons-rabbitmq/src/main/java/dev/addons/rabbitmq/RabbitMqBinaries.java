package dev.addons.rabbitmq;

import dev.addons.api.ProvisioningException;
import dev.addons.api.spi.BinaryDistribution;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where RabbitMQ's binaries come from: the host's {@code rabbitmq-server} package (Debian's, RabbitMQ
 * 3.10 on Debian 12) with its Erlang. Its scripts are run from {@code /usr/lib/rabbitmq/bin}: the
 * wrappers in {@code /usr/sbin} refuse every user but root and {@code rabbitmq}. No artifact on Maven
 * Central carries RabbitMQ, so a major version the host's package is not cannot run on the process
 * runtime at all: its distribution has no search path, and says what the host has instead.
 *
 * <p>There is no {@link dev.addons.api.spi.BinaryDistribution.VersionProbe}: the only binaries that
 * report RabbitMQ's version ({@code rabbitmqctl --version} and the other CLI tools) start an
 * {@code epmd} daemon and write an Erlang cookie into the caller's home, which a probe must not.
 * The package's versioned directory says the version instead, and the initializer refuses
 * binaries of another major ({@link #requireMajor}). Stateless and thread-safe.
 */
final class RabbitMqBinaries {

    /** The major version the host's package provides. */
    static final String PACKAGED_MAJOR = "3";
    /** Where the package keeps its scripts ({@code rabbitmq-server} links to the versioned tree). */
    static final Path SCRIPTS = Path.of("/usr/lib/rabbitmq/bin");
    /** Where Debian's Erlang keeps {@code erl} and {@code epmd}. */
    static final Path ERLANG = Path.of("/usr/lib/erlang/bin");
    /** The binaries the process recipe runs. */
    static final List<String> REQUIRED = List.of("rabbitmq-server", "erl", "epmd");

    /** The package's versioned directory, e.g. {@code /usr/lib/rabbitmq/lib/rabbitmq_server-3.10.8/sbin}. */
    private static final Pattern VERSIONED = Pattern.compile("rabbitmq_server-((\\d+)\\.[0-9.]+)");

    private RabbitMqBinaries() {
    }

    /** The binaries of {@code major}, a supported major version. */
    static BinaryDistribution forVersion(String major) {
        if (PACKAGED_MAJOR.equals(major)) {
            return new BinaryDistribution("RabbitMQ 3 (Debian's rabbitmq-server package)", List.of(SCRIPTS, ERLANG),
                    REQUIRED, null);
        }
        return new BinaryDistribution("RabbitMQ " + major + " (Debian 12's rabbitmq-server package is RabbitMQ 3.10)",
                List.of(), REQUIRED, null);
    }

    /**
     * Checks that the {@code rabbitmq-server} script found is RabbitMQ {@code major}, as far as the
     * versioned directory it resolves to says; an unfamiliar layout is let through.
     */
    static void requireMajor(Path rabbitmqServer, String major) throws IOException {
        Path real = rabbitmqServer.toRealPath();
        Optional<String> installed = versionIn(real);
        if (installed.isPresent() && !installed.get().startsWith(major + ".")) {
            throw new ProvisioningException("This host's RabbitMQ is " + installed.get() + " (" + real + "), not "
                    + major + ": ask for --version " + installed.get().substring(0, installed.get().indexOf('.')));
        }
    }

    /** The full version in a path of the package's versioned tree, e.g. {@code 3.10.8}. */
    static Optional<String> versionIn(Path path) {
        Matcher matcher = VERSIONED.matcher(path.toString());
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
