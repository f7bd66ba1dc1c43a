package dev.addons.api.spi;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Random secrets for providers and runtimes. Thread-safe.
 *
 * <p>Each {@link #password()} is told to the {@link SecretsObserver}s on the class path, a seam
 * for test suites (which record them to scan their outputs); the published artifacts have none.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private Secrets() {
    }

    /**
     * A password of 32 letters and digits (about 190 bits), safe in URLs, SQL string literals,
     * configuration files and command lines without escaping.
     */
    public static String password() {
        String password = random(32);
        for (SecretsObserver observer : Observers.ALL) {
            observer.generated(password);
        }
        return password;
    }

    /** {@code length} random letters and digits. */
    public static String random(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("length < 1: " + length);
        }
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }

    /** The observers, loaded once, on the first password. */
    private static final class Observers {
        static final List<SecretsObserver> ALL = load();

        private static List<SecretsObserver> load() {
            List<SecretsObserver> found = new ArrayList<>();
            Iterator<ServiceLoader.Provider<SecretsObserver>> providers =
                    ServiceLoader.load(SecretsObserver.class, Secrets.class.getClassLoader()).stream().iterator();
            while (true) {
                try {
                    if (!providers.hasNext()) {
                        break;
                    }
                    found.add(providers.next().get());
                } catch (ServiceConfigurationError e) {
                    // A broken observer is reported and the others still load.
                    System.getLogger(Secrets.class.getName()).log(System.Logger.Level.WARNING,
                            "Skipping a SecretsObserver that cannot be loaded: " + e.getMessage(), e);
                }
            }
            return List.copyOf(found);
        }
    }
}
