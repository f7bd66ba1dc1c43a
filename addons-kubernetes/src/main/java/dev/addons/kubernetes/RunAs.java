package dev.addons.kubernetes;

import dev.addons.api.InvalidSpecException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The non-root user and group a server's containers run as, written {@code <uid>:<gid>}; the pod's
 * volumes are given to the group. Neither id may be 0 (root, or root's group, which owns much of
 * an image's file system). Immutable.
 *
 * @param uid the user id, 1 to 2147483647
 * @param gid the group id, 1 to 2147483647
 */
record RunAs(long uid, long gid) {
    private static final Pattern FORM = Pattern.compile("([0-9]{1,10}):([0-9]{1,10})");

    RunAs {
        if (uid < 1 || uid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("uid out of range: " + uid);
        }
        if (gid < 1 || gid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("gid out of range: " + gid);
        }
    }

    /** {@code value} of the setting {@code setting}, e.g. {@code 70:70}; refused by name when malformed or root. */
    static RunAs parse(String setting, String value) {
        Matcher matcher = FORM.matcher(value);
        if (matcher.matches()) {
            long uid = Long.parseLong(matcher.group(1));
            long gid = Long.parseLong(matcher.group(2));
            if (uid >= 1 && uid <= Integer.MAX_VALUE && gid >= 1 && gid <= Integer.MAX_VALUE) {
                return new RunAs(uid, gid);
            }
        }
        throw new InvalidSpecException(setting + " '" + value + "' is not allowed: use <uid>:<gid> of the image's"
                + " non-root user, such as 70:70, each from 1 to " + Integer.MAX_VALUE + " (0, root, is refused)");
    }

    @Override
    public String toString() {
        return uid + ":" + gid;
    }
}
