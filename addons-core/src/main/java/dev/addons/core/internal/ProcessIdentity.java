package dev.addons.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process told apart from every other process this machine has run or will run: its pid, its
 * start time in clock ticks since boot as the kernel keeps it (field 22 of
 * {@code /proc/<pid>/stat}, which never changes and is not derived from the wall clock), and the
 * boot it belongs to ({@code /proc/sys/kernel/random/boot_id}, new at every boot). A pid reused
 * after a reboot, or later in the same boot, is never taken for the process recorded.
 *
 * <p>Linux only; where {@code /proc} says nothing the identity is unknown ({@link #of} is empty)
 * and callers fall back to what they recorded before. Immutable and thread-safe.
 *
 * @param pid        the process id
 * @param startTicks its start, in clock ticks after boot
 * @param bootId     the boot it started in
 */
public record ProcessIdentity(long pid, long startTicks, String bootId) {
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    /** Read once: it cannot change while this JVM runs. */
    private static final Optional<String> CURRENT_BOOT = readBootId();

    public ProcessIdentity {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid out of range: " + pid);
        }
        if (startTicks < 0) {
            throw new IllegalArgumentException("startTicks out of range: " + startTicks);
        }
        if (bootId == null || bootId.isBlank()) {
            throw new IllegalArgumentException("bootId is blank");
        }
    }

    /** The identity of the running process {@code pid}; empty when it is gone or {@code /proc} does not say. */
    public static Optional<ProcessIdentity> of(long pid) {
        if (CURRENT_BOOT.isEmpty()) {
            return Optional.empty();
        }
        return startTicks(pid).map(ticks -> new ProcessIdentity(pid, ticks, CURRENT_BOOT.get()));
    }

    /** This machine's current boot id, when {@code /proc} has one. */
    public static Optional<String> currentBoot() {
        return CURRENT_BOOT;
    }

    /**
     * Whether this very process still exists (a zombie counts as existing here; callers that
     * care whether it still runs look at its state): same boot, and the pid's start time now is
     * the one recorded.
     */
    public boolean exists() {
        return CURRENT_BOOT.filter(bootId::equals).isPresent()
                && startTicks(pid).filter(ticks -> ticks == startTicks).isPresent();
    }

    /** Whether it belongs to an earlier boot of this machine: certainly gone, whatever runs under its pid now. */
    public boolean fromEarlierBoot() {
        return CURRENT_BOOT.isPresent() && !CURRENT_BOOT.get().equals(bootId);
    }

    /** Field 22 of {@code /proc/<pid>/stat}: when the process started, in clock ticks after boot. */
    static Optional<Long> startTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            // The fields after the command name, which is in parentheses and may contain anything:
            // the state is field 3, so field 22 is index 19 of what follows ") ".
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Optional.of(Long.parseLong(fields[19]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> readBootId() {
        try {
            String id = Files.readString(BOOT_ID, StandardCharsets.UTF_8).trim();
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
