package dev.addons.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlIdentifiersTest {

    @Test
    void identifiersAreDoubleQuotedWithQuotesDoubled() {
        assertThat(SqlIdentifiers.quote("app1")).isEqualTo("\"app1\"");
        assertThat(SqlIdentifiers.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(SqlIdentifiers.quote("x\"; drop role postgres; --"))
                .isEqualTo("\"x\"\"; drop role postgres; --\"");
    }

    @Test
    void emptyNamesAndNulCharactersAreRefused() {
        assertThatThrownBy(() -> SqlIdentifiers.quote("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SqlIdentifiers.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theServersOwnDatabasesAndRolesAreReserved() {
        assertThat(SqlIdentifiers.isReserved("postgres", "postgres")).isTrue();
        assertThat(SqlIdentifiers.isReserved("template0", "postgres")).isTrue();
        assertThat(SqlIdentifiers.isReserved("template1", "postgres")).isTrue();
        assertThat(SqlIdentifiers.isReserved("public", "postgres")).isTrue();
        assertThat(SqlIdentifiers.isReserved("addons_spare", "postgres")).isTrue();
        assertThat(SqlIdentifiers.isReserved("pg_monitor", "postgres")).isTrue();
        assertThat(SqlIdentifiers.isReserved("admin", "admin")).isTrue();
        assertThat(SqlIdentifiers.isReserved("app1", "postgres")).isFalse();
        assertThat(SqlIdentifiers.isReserved("postgres_app", "postgres")).isFalse();
    }
}
