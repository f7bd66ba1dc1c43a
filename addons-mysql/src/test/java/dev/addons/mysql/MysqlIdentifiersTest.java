package dev.addons.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MysqlIdentifiersTest {

    @Test
    void identifiersAreBacktickedWithBackticksDoubled() {
        assertThat(MysqlIdentifiers.quote("app1")).isEqualTo("`app1`");
        assertThat(MysqlIdentifiers.quote("we`ird")).isEqualTo("`we``ird`");
        assertThatThrownBy(() -> MysqlIdentifiers.quote("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MysqlIdentifiers.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGrantPatternEscapesTheWildcardsADatabaseLevelGrantWouldMatch() {
        assertThat(MysqlIdentifiers.grantPattern("my_app__staging")).isEqualTo("`my\\_app\\_\\_staging`");
        assertThat(MysqlIdentifiers.grantPattern("100%")).isEqualTo("`100\\%`");
        assertThat(MysqlIdentifiers.grantPattern("plain")).isEqualTo("`plain`");
    }

    @Test
    void aTenantNameOfUpTo32CharactersIsItsUserName() {
        String longest = "a".repeat(32);

        assertThat(MysqlIdentifiers.userName("app1")).isEqualTo("app1");
        assertThat(MysqlIdentifiers.userName(longest)).isEqualTo(longest);
    }

    @Test
    void aLongerTenantNameIsShortenedToADistinctUserNameNoTenantCanHave() {
        String staging = "a_rather_long_application_name__staging";
        String production = "a_rather_long_application_name__production";

        String user = MysqlIdentifiers.userName(staging);

        assertThat(user).hasSize(32).startsWith("a_rather_long_applica-").matches("[a-z0-9_]{21}-[0-9a-f]{10}");
        assertThat(MysqlIdentifiers.userName(staging)).isEqualTo(user);
        assertThat(MysqlIdentifiers.userName(production)).hasSize(32).isNotEqualTo(user);
        assertThat(user).doesNotMatch("[a-z][a-z0-9_]{0,62}");
    }

    @Test
    void theServersOwnNamesAndTheAdminAreReserved() {
        assertThat(MysqlIdentifiers.isReserved("mysql", "root")).isTrue();
        assertThat(MysqlIdentifiers.isReserved("performance_schema", "root")).isTrue();
        assertThat(MysqlIdentifiers.isReserved("admin", "admin")).isTrue();
        assertThat(MysqlIdentifiers.isReserved("addons_catalog", "root")).as("where addons records its marks")
                .isTrue();
        assertThat(MysqlIdentifiers.isReserved("app1", "root")).isFalse();
    }
}
