package dev.addons.memcache;

import dev.addons.api.spi.ContainerRecipe;
import java.util.List;
import java.util.Map;

/**
 * How to run a dedicated memcached as a container of the official {@code memcached:<version>}
 * image, or of an image honouring its contract, with authentication on.
 *
 * <p>The official image's memcached is built with SASL and with memcached's own password file
 * ({@code --enable-sasl-pwdb}): {@code MEMCACHED_SASL_PWDB} names a file of
 * {@code user@realm:password} lines, the realm being the host name memcached starts on, and
 * {@code SASL_CONF_PATH} a directory whose {@code memcached.conf} configures Cyrus SASL. The image
 * takes neither file, and its entrypoint runs any command that does not start with {@code -}, so
 * the command is a POSIX shell script ({@code sh -c}, which the Debian and Alpine variants both
 * have) that writes both into a private directory under {@code /tmp} and then execs
 * {@code memcached -S}. The configuration offers the {@code PLAIN} mechanism only (the image
 * installs libsasl2-modules, whose {@code ANONYMOUS} mechanism would otherwise be offered too). The
 * password file gets one line for the container's host name ({@code uname -n}) and one without a
 * realm, for a build whose SASL gives none. The user and password come in the container's
 * environment ({@value #USER_VARIABLE}, {@value #PASSWORD_VARIABLE}), never on its command line,
 * and the password is unset before memcached starts, so it is not in memcached's environment
 * either. The script prints nothing. Stateless and thread-safe.
 */
final class MemcachedContainer {

    /** The port memcached listens on inside the container. */
    static final int PORT = 11211;
    /** The environment variable that carries the SASL user's name into the container. */
    static final String USER_VARIABLE = "ADDONS_MEMCACHED_USER";
    /** The environment variable that carries its password into the container. */
    static final String PASSWORD_VARIABLE = "ADDONS_MEMCACHED_PASSWORD";
    /** memcached writes nothing to disk; a container runtime's data mount stays empty. */
    private static final String DATA = "/data";

    /** Writes the SASL configuration and password file, then runs memcached with SASL on. */
    static final String SCRIPT = String.join("\n",
            "set -eu",
            "umask 077",
            "dir=/tmp/addons-memcached-sasl",
            "mkdir -p \"$dir\"",
            "printf 'mech_list: plain\\n' > \"$dir/memcached.conf\"",
            "printf '%s@%s:%s\\n%s:%s\\n' \"$" + USER_VARIABLE + "\" \"$(uname -n)\" \"$" + PASSWORD_VARIABLE + "\""
                    + " \"$" + USER_VARIABLE + "\" \"$" + PASSWORD_VARIABLE + "\" > \"$dir/pwdb\"",
            "unset " + PASSWORD_VARIABLE,
            "export SASL_CONF_PATH=\"$dir\" MEMCACHED_SASL_PWDB=\"$dir/pwdb\"",
            "exec memcached -S -U 0 -m " + MemcachedProcess.MEMORY_MB + " -c " + MemcachedProcess.CONNECTIONS);

    private MemcachedContainer() {
    }

    /** The recipe for {@code image}, whose one SASL user is {@code user} with {@code password}. */
    static ContainerRecipe recipe(String image, String user, String password) {
        return ContainerRecipe.builder(image, PORT, DATA)
                .environment(Map.of(USER_VARIABLE, user, PASSWORD_VARIABLE, password))
                .command(List.of("sh", "-c", SCRIPT))
                .build();
    }
}
