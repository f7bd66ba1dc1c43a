package dev.addons.api.spi;

/**
 * A testing seam: told of each password {@link Secrets#password()} makes, so that a test suite
 * can record them and scan its logs and outputs for any of them. Not for production: an observer
 * sees every secret, so the published artifacts ship none, and an application must never
 * register one.
 *
 * <p>Observers are found once, with {@link java.util.ServiceLoader} and the class loader of
 * {@link Secrets}, through {@code META-INF/services/dev.addons.api.spi.SecretsObserver}; an
 * observer that cannot be loaded is reported and skipped. Implementations need a public no-arg
 * constructor that does no I/O, and must be thread-safe: any thread may make a password.
 *
 * @since 0.2
 */
public interface SecretsObserver {
    /**
     * Called with each password made, before it is returned; an exception thrown here reaches the
     * caller of {@link Secrets#password()}.
     */
    void generated(String password);
}
