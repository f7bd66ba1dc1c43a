package dev.addons.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an app asks for: an addon by name, with an optional variant and version, and for a
 * {@code shared} addon optionally the external server it goes on. Absent values mean the
 * provider's defaults; they are resolved and validated when the addon is created.
 *
 * @param addon   the addon's name or alias, e.g. {@code postgresql}
 * @param variant the variant, or {@code null} for the default ({@code small})
 * @param version a supported version, a full OCI image reference (anything containing
 *                {@code ':'}), or {@code null} for the provider's default
 * @param server  the name of a registered external server to put a {@code shared} addon on, or
 *                {@code null} for the home's own shared server ({@code @since 0.1.0})
 * @param sleepAfter how long its dedicated server may go without a client connection before a
 *                supervisor stops it until a client connects again (see {@link Status#SLEEPING}),
 *                at least one second; {@code null} to keep it running ({@code @since 0.1.0})
 * @param connections for a {@code shared} addon, the most sessions its app may have open at once
 *                on the shared server (PostgreSQL's {@code CONNECTION LIMIT}, MySQL's
 *                {@code MAX_USER_CONNECTIONS}), so that one app cannot take every connection;
 *                {@code null} for {@link #DEFAULT_CONNECTIONS}. Checked against the addon's range
 *                (from 1 to {@link dev.addons.api.spi.ConnectionLimitCapability#maxTenantConnections}) when the
 *                addon is created or deployed; refused for a dedicated variant, whose app has its
 *                server to itself, and for an addon that limits no connections ({@code @since 0.3})
 */
public record AddonSpec(String addon, String variant, String version, String server, Duration sleepAfter,
        Integer connections) {
    /** The shortest {@link #sleepAfter}. */
    public static final Duration MIN_SLEEP_AFTER = Duration.ofSeconds(1);
    /**
     * The {@link #connections} of a {@code shared} addon that declares none: a pool of 10
     * (HikariCP's default) twice over.
     *
     * @since 0.3
     */
    public static final int DEFAULT_CONNECTIONS = 20;
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smh])");

    public AddonSpec {
        Objects.requireNonNull(addon, "addon == null");
        if (sleepAfter != null && sleepAfter.compareTo(MIN_SLEEP_AFTER) < 0) {
            throw new InvalidSpecException("sleep_after '" + sleepAfter + "' is too short. Allowed: at least 1s");
        }
    }

    /** An addon with the default connection limit. */
    public AddonSpec(String addon, String variant, String version, String server, Duration sleepAfter) {
        this(addon, variant, version, server, sleepAfter, null);
    }

    /** An addon that never sleeps. */
    public AddonSpec(String addon, String variant, String version, String server) {
        this(addon, variant, version, server, null);
    }

    /** An addon on no external server. */
    public AddonSpec(String addon, String variant, String version) {
        this(addon, variant, version, null, null);
    }

    /** The addon with its default variant and version. */
    public static AddonSpec of(String addon) {
        return new AddonSpec(addon, null, null);
    }

    /** Parses {@code NAME[:VARIANT]} as the command line writes it. */
    public static AddonSpec parse(String nameAndVariant) {
        Objects.requireNonNull(nameAndVariant, "nameAndVariant == null");
        int colon = nameAndVariant.indexOf(':');
        if (colon < 0) {
            return of(nameAndVariant);
        }
        return new AddonSpec(nameAndVariant.substring(0, colon), nameAndVariant.substring(colon + 1), null);
    }

    public AddonSpec withVariant(String newVariant) {
        return new AddonSpec(addon, newVariant, version, server, sleepAfter, connections);
    }

    public AddonSpec withVersion(String newVersion) {
        return new AddonSpec(addon, variant, newVersion, server, sleepAfter, connections);
    }

    /**
     * This addon on the registered external server {@code newServer} (its variant must be
     * {@code shared}).
     *
     * @since 0.1.0
     */
    public AddonSpec withServer(String newServer) {
        return new AddonSpec(addon, variant, version, newServer, sleepAfter, connections);
    }

    /**
     * This addon with its dedicated server put to sleep after {@code idle} without a client
     * connection ({@code null}: never).
     *
     * @since 0.1.0
     */
    public AddonSpec withSleepAfter(Duration idle) {
        return new AddonSpec(addon, variant, version, server, idle, connections);
    }

    /**
     * This {@code shared} addon with its app allowed {@code limit} sessions at once on the shared
     * server ({@code null}: {@link #DEFAULT_CONNECTIONS}); see {@link #connections}.
     *
     * @since 0.3
     */
    public AddonSpec withConnections(Integer limit) {
        return new AddonSpec(addon, variant, version, server, sleepAfter, limit);
    }

    /** The connection limit asked for, if one was. */
    public Optional<Integer> connectionsIfSet() {
        return Optional.ofNullable(connections);
    }

    /** How long it may go without a client before it sleeps, if it may sleep. */
    public Optional<Duration> sleepAfterIfSet() {
        return Optional.ofNullable(sleepAfter);
    }

    /**
     * Reads a {@code sleep_after} duration: a whole number and a unit, {@code s}, {@code m} or
     * {@code h} (e.g. {@code 5s}, {@code 15m}, {@code 2h}), at least {@code 1s}.
     *
     * @param field names the value in the message, e.g. {@code addons.postgresql.sleep_after}
     * @throws InvalidSpecException naming the field, the value and what is allowed
     * @since 0.1.0
     */
    public static Duration parseSleepAfter(String field, String text) {
        Objects.requireNonNull(text, "text == null");
        Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        Duration duration = null;
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            duration = switch (matcher.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        if (duration == null || duration.compareTo(MIN_SLEEP_AFTER) < 0) {
            throw new InvalidSpecException(field + " '" + text + "' is not a sleep duration. Allowed: a whole number"
                    + " and a unit, s, m or h (e.g. 5s, 15m, 2h), at least 1s");
        }
        return duration;
    }

    /** A duration as {@link #parseSleepAfter} reads it, in its largest whole unit, e.g. {@code 15m}. */
    public static String formatSleepAfter(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    /** The external server asked for, if any. */
    public Optional<String> serverIfSet() {
        return Optional.ofNullable(server);
    }

    public Optional<String> variantIfSet() {
        return Optional.ofNullable(variant);
    }

    public Optional<String> versionIfSet() {
        return Optional.ofNullable(version);
    }

    /** Whether the version is a full image reference rather than a version number. */
    public boolean isImageReference() {
        return isImageReference(version);
    }

    /** Whether {@code version} is a full OCI image reference (it contains {@code ':'}). */
    public static boolean isImageReference(String version) {
        return version != null && version.indexOf(':') >= 0;
    }
}
