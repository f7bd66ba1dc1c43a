package dev.addons.core.internal;

import dev.addons.api.AddonRecord;
import dev.addons.api.Status;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An addon as the state store keeps it: its public record plus what only addons sees, the
 * server it lives on, the provider's binding (secrets) and which process is working on it.
 *
 * @param record     the public record
 * @param serverId   the server its tenant lives on; {@code null} until one is chosen
 * @param binding    the provider's binding; empty until provisioned
 * @param owner      the process working on it while PENDING, PROVISIONING or DEPROVISIONING
 */
public record AddonState(AddonRecord record, String serverId, Map<String, String> binding, Owner owner) {
    public AddonState {
        Objects.requireNonNull(record, "record == null");
        binding = Map.copyOf(binding);
    }

    public AddonState withStatus(Status status, String message, Owner newOwner) {
        return new AddonState(record.withStatus(status, message, Instant.now()), serverId, binding, newOwner);
    }

    /** This addon with its record saying its server runs on {@code runtime}. */
    public AddonState withRuntime(String runtime) {
        AddonRecord r = record;
        return new AddonState(new AddonRecord(r.id(), r.app(), r.environment(), r.addon(), r.variant(), r.version(),
                runtime, r.status(), r.message(), r.createdAt(), r.updatedAt()), serverId, binding, owner);
    }

    public AddonState withServer(String newServerId) {
        return new AddonState(record, newServerId, binding, owner);
    }

    public AddonState withBinding(Map<String, String> newBinding) {
        return new AddonState(record, serverId, newBinding, owner);
    }

    @Override
    public String toString() {
        return "AddonState[" + record + ", serverId=" + serverId + ", binding=" + binding.keySet() + "]";
    }

    /**
     * A process, identified by pid and start time so that a reused pid is not mistaken for it.
     *
     * @param pid       process id
     * @param startedAt its start time in epoch milliseconds, or 0 when unknown
     */
    public record Owner(long pid, long startedAt) {
        /** This JVM. */
        public static Owner current() {
            ProcessHandle self = ProcessHandle.current();
            return new Owner(self.pid(), startOf(self));
        }

        /** Whether that process is still running. */
        public boolean isAlive() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .map(p -> startedAt == 0 || startOf(p) == startedAt).orElse(false);
        }

        private static long startOf(ProcessHandle handle) {
            return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        }
    }
}
