package dev.addons.testkit;

import dev.addons.core.internal.DatabaseUrls;
import java.util.Objects;

/**
 * A {@code DATABASE_URL} as the {@code Environment} facade turns it into JDBC's terms (its URL,
 * user and password), for engine tests that check the URLs their provider writes read back
 * intact. Engine modules reach addons-core's internals only through the testkit.
 *
 * @param jdbcUrl  e.g. {@code jdbc:mysql://127.0.0.1:3306/app1}
 * @param user     the decoded user name
 * @param password the decoded password (a secret: not in {@link #toString()})
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

    public DatabaseUrl {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl == null");
        Objects.requireNonNull(user, "user == null");
        Objects.requireNonNull(password, "password == null");
    }

    /** {@code url}, the value of the variable {@code variable}, as the facade reads it. */
    public static DatabaseUrl toJdbc(String variable, String url) {
        DatabaseUrls.Jdbc jdbc = DatabaseUrls.toJdbc(variable, url);
        return new DatabaseUrl(jdbc.jdbcUrl(), jdbc.user(), jdbc.password());
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl + ", user=" + user + ", password=<redacted>]";
    }
}
