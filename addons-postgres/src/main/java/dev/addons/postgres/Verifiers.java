package dev.addons.postgres;

import dev.addons.api.spi.Secrets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.postgresql.util.PasswordUtil;

/**
 * SCRAM-SHA-256 verifiers, computed ahead while a new server starts. A server started on a copy
 * of the template needs two before it is handed out: its admin's new password's ({@link
 * PostgresAdmin#personalize}) and its first tenant's ({@link PostgresTenants#provision}). Each is
 * 4096 rounds of PBKDF2, 13-25 ms here, and the first in a JVM also sets up the JDK's crypto
 * (60-80 ms more), which the readiness check's SCRAM login would otherwise pay. {@link #prepare},
 * called as the server launches, computes both on a thread of its own, so the wait for the server
 * covers them and the login finds the crypto set up. A verifier or tenant credential not computed
 * ahead (a server already running, a computation that failed) is computed when asked.
 *
 * <p>At most {@value #KEPT} of each are kept; a credential computed ahead is handed out once.
 * Thread-safe.
 */
final class Verifiers {
    /** The most admin verifiers and tenant credentials kept, each: servers started but not yet handed out. */
    static final int KEPT = 8;

    /** Computes a password's verifier. */
    private final UnaryOperator<String> verifierOf;
    /** The admin verifiers computed ahead, by the password they are of, the oldest first. */
    private final Map<String, CompletableFuture<String>> admins = new LinkedHashMap<>();
    /** Tenant credentials computed ahead, the oldest first. */
    private final Deque<CompletableFuture<Credential>> tenants = new ArrayDeque<>();

    /** Verifiers as PostgreSQL keeps them: SCRAM-SHA-256, 4096 iterations, a random salt. */
    Verifiers() {
        this(password -> PasswordUtil.encodeScramSha256(password.toCharArray()));
    }

    /** Verifiers computed by {@code verifierOf}. */
    Verifiers(UnaryOperator<String> verifierOf) {
        this.verifierOf = verifierOf;
    }

    /** A new tenant's password and the SCRAM verifier the server keeps of it. */
    record Credential(String password, String verifier) {
        @Override
        public String toString() {
            return "Credential[password=***, verifier=***]";
        }
    }

    /**
     * Begins computing, on a thread of its own, the verifier of {@code adminPassword} and one new
     * tenant's credential; returns at once.
     */
    void prepare(String adminPassword) {
        CompletableFuture<String> admin = new CompletableFuture<>();
        CompletableFuture<Credential> tenant = new CompletableFuture<>();
        boolean tenantKept;
        synchronized (this) {
            admins.put(adminPassword, admin);
            if (admins.size() > KEPT) {
                Iterator<CompletableFuture<String>> oldest = admins.values().iterator();
                oldest.next();
                oldest.remove();
            }
            tenantKept = tenants.size() < KEPT;
            if (tenantKept) {
                tenants.add(tenant);
            }
        }
        Thread thread = new Thread(() -> {
            complete(admin, () -> verifierOf.apply(adminPassword));
            if (tenantKept) {
                complete(tenant, this::newCredential);
            }
        }, "addons-postgres-verifiers");
        thread.setDaemon(true);
        thread.start();
    }

    /** The verifier of {@code password}: the one computed ahead, else one computed now. */
    String verifier(String password) {
        CompletableFuture<String> ahead;
        synchronized (this) {
            ahead = admins.remove(password);
        }
        return ahead != null ? joinOr(ahead, () -> verifierOf.apply(password)) : verifierOf.apply(password);
    }

    /** A new tenant's credential: one computed ahead, else one computed now. */
    Credential tenant() {
        CompletableFuture<Credential> ahead;
        synchronized (this) {
            ahead = tenants.poll();
        }
        return ahead != null ? joinOr(ahead, this::newCredential) : newCredential();
    }

    private Credential newCredential() {
        String password = Secrets.password();
        return new Credential(password, verifierOf.apply(password));
    }

    private static <T> void complete(CompletableFuture<T> future, Supplier<T> computation) {
        try {
            future.complete(computation.get());
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        } catch (Error e) {
            future.completeExceptionally(e);
            throw e;
        }
    }

    /** The result computed ahead; when its computation failed, {@code again}'s. */
    private static <T> T joinOr(CompletableFuture<T> ahead, Supplier<T> again) {
        try {
            return ahead.join();
        } catch (CompletionException | CancellationException e) {
            return again.get();
        }
    }
}
