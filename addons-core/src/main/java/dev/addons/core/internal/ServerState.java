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
 */
public record ServerState(
        String serverId, String engine, String version, String runtime, boolean shared, String adminUser,
        String adminPassword, RunningServer running, Instant createdAt, AddonState.Owner starter,
        boolean throwaway) {

    public ServerState {
        Objects.requireNonNull(serverId, "serverId == null");
        Objects.requireNonNull(engine, "engine == null");
        Objects.requireNonNull(version, "version == null");
        Objects.requireNonNull(runtime, "runtime == null");
        Objects.requireNonNull(adminUser, "adminUser == null");
        Objects.requireNonNull(adminPassword, "adminPassword == null");
        Objects.requireNonNull(createdAt, "createdAt == null");
    }

    public ServerState withRunning(RunningServer server) {
        return new ServerState(serverId, engine, version, runtime, shared, adminUser, adminPassword, server, createdAt,
                null, throwaway);
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
                + ", throwaway=" + throwaway + ", running=" + running + "]";
    }
}
