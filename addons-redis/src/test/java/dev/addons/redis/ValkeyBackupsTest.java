package dev.addons.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValkeyBackupsTest {

    @Test
    void anRdbHeaderIsRedisWithFourDigitsOrValkeyWithThree() {
        assertThat(ValkeyBackups.rdbVersion(bytes("REDIS0010"))).contains("REDIS0010");
        assertThat(ValkeyBackups.rdbVersion(bytes("REDIS0011"))).contains("REDIS0011");
        assertThat(ValkeyBackups.rdbVersion(bytes("VALKEY080"))).contains("VALKEY080");
        assertThat(ValkeyBackups.rdbVersion(bytes("REDIS001"))).isEmpty();
        assertThat(ValkeyBackups.rdbVersion(bytes("VALKEY0080"))).isEmpty();
        assertThat(ValkeyBackups.rdbVersion(bytes("redis0010"))).isEmpty();
        assertThat(ValkeyBackups.rdbVersion(bytes("{\"a\": 1}\n"))).isEmpty();
        assertThat(ValkeyBackups.rdbVersion(new byte[0])).isEmpty();
    }

    @Test
    void keyCountsAreReadFromInfoKeyspacePerDatabase() {
        String info = "# Keyspace\r\ndb0:keys=2001,expires=0,avg_ttl=0\r\ndb3:keys=1,expires=1,avg_ttl=3599000\r\n";
        assertThat(ValkeyBackups.keyCounts(info)).isEqualTo(Map.of("db0", 2001L, "db3", 1L));
        assertThat(ValkeyBackups.keyCounts("# Keyspace\r\n")).isEmpty();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
