package dev.addons.core.internal;

import dev.addons.core.runtime.RunningServer;
import java.time.Instant;
import java.util.Objects;

/**
 * A server as the state store keeps it.
 *
 * @param serverId      its id within the home
 * @param engine        the provider's name
 * @param version       the version or image it runs
 * @param runtime       the runtime that runs it
 * @param shared        whether tenants of several apps live on it
 * @param adminUser     the administrative user
 * @param adminPassword its password (this record is stored owner-only)
 * @param running       how to reach it; {@code null} while it is starting
 * @param createdAt     when it was recorded
 * @param starter       the process starting it while {@code running} is {@code null}
 * @param throwaway     whether it runs with settings for throwaway servers (see
 *                      {@link dev.addons.api.spi.ServerRequest#throwaway()}); kept across restarts
 * @param crashes       when and why it was found dead, newest last, at most {@value #CRASHES_KEPT};
 *                      {@code null} in records written before there was one
 * @param restarts      how many times it was started again after it was found dead
 */
public record ServerState(
        String serverId, String engine, String version, String runtime, boolean shared, String adminUser,
        String adminPassword, RunningServer running, Instant createdAt, AddonState.Owner starter,
        boolean throwaway, java.util.List<Crash> crashes, int restarts) {

    /** How many crashes a record keeps. */
    public static final int CRASHES_KEPT = 10;

    /**
     * A time the server was found dead.
     *
     * @param at     when it was found
     * @param reason why, with the engine's last log lines; never a secret
     */
    public record Crash(Instant at, String reason) {
        public Crash {
            Objects.requireNonNull(at, "at == null");
            Objects.requireNonNull(reason, "reason == null");
        }
    }

    /** A new server's record: no crash, no restart. */
    public ServerState(String serverId, String engine, String version, String runtime, boolean shared,
            String adminUser, String adminPassword, RunningServer running, Instant createdAt,
            AddonState.Owner starter, boolean throwaway) {
        this(serverId, engine, version, runtime, shared, adminUser, adminPassword, running, createdAt, starter,
                throwaway, java.util.List.of(), 0);
    }

    public ServerState {
        Objects.requireNonNull(serverId, "serverId == null");
        Objects.requireNonNull(engine, "engine == null");
        Objects.requireNonNull(version, "version == null");
        Objects.requireNonNull(runtime, "runtime == null");
        Objects.requireNonNull(adminUser, "adminUser == null");
        Objects.requireNonNull(adminPassword, "adminPassword == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
        crashes = crashes == null ? java.util.List.of() : java.util.List.copyOf(crashes);
    }

    public ServerState withRunning(RunningServer server) {
        return new ServerState(serverId, engine, version, runtime, shared, adminUser, adminPassword, server, createdAt,
                null, throwaway, crashes, restarts);
    }

    /** This server found dead at {@code at} for {@code reason}; the oldest crashes beyond the kept ones go. */
    public ServerState withCrash(Instant at, String reason) {
        java.util.List<Crash> more = new java.util.ArrayList<>(crashes);
        more.add(new Crash(at, reason));
        if (more.size() > CRASHES_KEPT) {
            more = more.subList(more.size() - CRASHES_KEPT, more.size());
        }
        return new ServerState(serverId, engine, version, runtime, shared, adminUser, adminPassword, running,
                createdAt, starter, throwaway, more, restarts);
    }

    /** This server started again, after it died, as {@code server}. */
    public ServerState restartedAs(RunningServer server) {
        return new ServerState(serverId, engine, version, runtime, shared, adminUser, adminPassword, server, createdAt,
                null, throwaway, crashes, restarts + 1);
    }

    /** The last time it was found dead, if ever. */
    public java.util.Optional<Crash> lastCrash() {
        return crashes.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(crashes.get(crashes.size() - 1));
    }

    /** What its provider is asked to describe it with. */
    public dev.addons.api.spi.ServerRequest request() {
        return new dev.addons.api.spi.ServerRequest(version, adminPassword, throwaway);
    }

    /** Whether it never finished starting and the process starting it is gone. */
    public boolean abandoned() {
        return running == null && (starter == null || !starter.isAlive());
    }

    @Override
    public String toString() {
        return "ServerState[" + serverId + ", " + engine + " " + version + " on " + runtime + ", shared=" + shared
                + ", throwaway=" + throwaway + ", running=" + running + ", restarts=" + restarts + "]";
    }
}
