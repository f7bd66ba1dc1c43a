package dev.addons.core.internal.process;

import dev.addons.core.internal.ProcessIdentity;
import java.util.Optional;

/**
 * An engine process as recorded when it was launched: its pid, its start time in epoch
 * milliseconds, and, in records written since there was one, its {@link ProcessIdentity} (start in
 * clock ticks and boot id). The identity decides when present, so that a pid reused after a
 * reboot is never taken for the engine; older records fall back to the start time.
 *
 * @param pid         the engine's pid
 * @param startMillis its start time in epoch milliseconds, -1 when unknown
 * @param identity    its identity; {@code null} in records written before there was one
 */
record EngineProcess(long pid, long startMillis, ProcessIdentity identity) {

    /** The recorded process, when it is still running (not another that reused its pid). */
    Optional<ProcessHandle> find() {
        if (identity == null) {
            return ProcessControl.find(pid, startMillis);
        }
        if (!identity.exists()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessControl::isRunning);
    }

    /**
     * Kills what the engine left running in its session, unless it belongs to an earlier boot:
     * then nothing of it can still run, and the pids mean other processes now.
     */
    int killSession() throws InterruptedException {
        if (identity != null && identity.fromEarlierBoot()) {
            return 0;
        }
        return ProcessControl.killSession(pid, startMillis);
    }
}
