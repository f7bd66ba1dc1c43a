package dev.addons.cli;

import java.util.regex.Pattern;

/** Values as a dotenv file (and a POSIX shell) reads them back. */
final class DotEnv {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+,=-]*");

    private DotEnv() {
    }

    /** {@code value} as is when it is plain, else single-quoted, else double-quoted with escapes. */
    static String quote(String value) {
        if (PLAIN.matcher(value).matches()) {
            return value;
        }
        if (value.indexOf('\'') < 0 && value.indexOf('\n') < 0) {
            return "'" + value + "'";
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$")
                .replace("`", "\\`").replace("\n", "\\n") + '"';
    }
}
