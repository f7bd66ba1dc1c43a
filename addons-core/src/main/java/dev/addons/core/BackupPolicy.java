package dev.addons.core;

import dev.addons.api.InvalidSpecException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one addon is backed up: automatic backups every {@code schedule} (off when empty), the
 * backups kept under the addons home (the last {@code keepLast}, and those younger than
 * {@code maxAge}; the newest one is always kept), and how many manual backups a day (UTC) are
 * allowed. Backups written to a path of the caller's are the caller's: retention never touches
 * them. Immutable.
 *
 * @param schedule     the interval of automatic backups; {@code null} when they are off
 * @param keepLast     how many backups to keep at most; 0 for no such limit
 * @param maxAge       how old a kept backup may be; {@code null} for no such limit
 * @param manualPerDay how many manual backups a UTC day allows; at least 1
 */
public record BackupPolicy(Duration schedule, int keepLast, Duration maxAge, int manualPerDay) {
    /** Automatic backups off, the last 10 kept, 10 manual backups a day. */
    public static final BackupPolicy DEFAULT = new BackupPolicy(null, 10, null, 10);

    private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,5})([mhdw])");
    private static final Duration SHORTEST_SCHEDULE = Duration.ofMinutes(1);

    public BackupPolicy {
        if (schedule != null && schedule.compareTo(SHORTEST_SCHEDULE) < 0) {
            throw new InvalidSpecException("backups.schedule '" + schedule + "' is too short: at least 1m");
        }
        if (keepLast < 0) {
            throw new InvalidSpecException("backups.keep_last " + keepLast + " is negative: 0 (no limit) or more");
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new InvalidSpecException("backups.max_age '" + maxAge + "' must be positive");
        }
        if (manualPerDay < 1) {
            throw new InvalidSpecException("backups.manual_per_day " + manualPerDay + " must be 1 or more");
        }
    }

    public Optional<Duration> scheduleIfAny() {
        return Optional.ofNullable(schedule);
    }

    public Optional<Duration> maxAgeIfAny() {
        return Optional.ofNullable(maxAge);
    }

    /** This policy with automatic backups every {@code interval}, or off when {@code null}. */
    public BackupPolicy withSchedule(Duration interval) {
        return new BackupPolicy(interval, keepLast, maxAge, manualPerDay);
    }

    public BackupPolicy withKeepLast(int count) {
        return new BackupPolicy(schedule, count, maxAge, manualPerDay);
    }

    /** This policy keeping backups younger than {@code age} only, or of any age when {@code null}. */
    public BackupPolicy withMaxAge(Duration age) {
        return new BackupPolicy(schedule, keepLast, age, manualPerDay);
    }

    public BackupPolicy withManualPerDay(int count) {
        return new BackupPolicy(schedule, keepLast, maxAge, count);
    }

    /**
     * Reads a duration as people write it in app files and on command lines: a number and a unit,
     * {@code m} (minutes), {@code h}, {@code d} or {@code w}, e.g. {@code 6h}, {@code 30d}; or
     * {@code off} for none (returns {@code null}).
     *
     * @param field names the setting in the error, e.g. {@code backups.schedule}
     */
    public static Duration parseDuration(String field, String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("off")) {
            return null;
        }
        Matcher matcher = DURATION.matcher(value);
        if (!matcher.matches()) {
            throw new InvalidSpecException(field + " '" + text + "' is not a duration. Allowed: a number and a unit, "
                    + "m, h, d or w (e.g. 6h, 1d, 30d), or off");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofDays(7 * amount);
        };
    }

    /** A duration the way {@link #parseDuration} reads it, e.g. {@code 6h}; {@code off} for null. */
    public static String format(Duration duration) {
        if (duration == null) {
            return "off";
        }
        long minutes = duration.toMinutes();
        if (minutes % (7 * 24 * 60) == 0) {
            return minutes / (7 * 24 * 60) + "w";
        }
        if (minutes % (24 * 60) == 0) {
            return minutes / (24 * 60) + "d";
        }
        return minutes % 60 == 0 ? minutes / 60 + "h" : minutes + "m";
    }
}
