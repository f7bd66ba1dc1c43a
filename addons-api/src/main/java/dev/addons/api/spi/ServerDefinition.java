package dev.addons.api.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider's description of a server, from which any runtime can run it: as engine binaries
 * on this host ({@link ProcessRecipe}) or as a container image ({@link ContainerRecipe}).
 * Immutable; {@link #toString()} holds no secret.
 *
 * @param engine        the provider's name, e.g. {@code postgresql}
 * @param version       the requested version or image reference
 * @param adminUser     the administrative user the provider connects as
 * @param adminPassword that user's password
 * @param process       how to run it from binaries on this host; {@code null} when it cannot
 *                      (a custom image)
 * @param container     how to run it as a container
 * @param readiness     the protocol-level check that says the server accepts work
 * @param startTimeout  how long a start may take before it is given up
 */
public record ServerDefinition(
        String engine,
        String version,
        String adminUser,
        String adminPassword,
        ProcessRecipe process,
        ContainerRecipe container,
        ReadinessCheck readiness,
        Duration startTimeout) {

    public ServerDefinition {
        Objects.requireNonNull(engine, "engine == null");
        Objects.requireNonNull(version, "version == null");
        Objects.requireNonNull(adminUser, "adminUser == null");
        Objects.requireNonNull(adminPassword, "adminPassword == null");
        Objects.requireNonNull(container, "container == null");
        Objects.requireNonNull(readiness, "readiness == null");
        Objects.requireNonNull(startTimeout, "startTimeout == null");
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive: " + startTimeout);
        }
    }

    /** The process recipe, empty when this server can only run as an image. */
    public Optional<ProcessRecipe> processRecipe() {
        return Optional.ofNullable(process);
    }

    @Override
    public String toString() {
        return "ServerDefinition[engine=" + engine + ", version=" + version + ", adminUser=" + adminUser
                + ", image=" + container.image() + "]";
    }
}
