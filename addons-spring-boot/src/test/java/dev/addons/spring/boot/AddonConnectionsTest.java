package dev.addons.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.addons.core.AddonProviders;
import dev.addons.core.Environment;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.amqp.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcConnectionDetails;

class AddonConnectionsTest {
    static final Map<String, String> POSTGRES = Map.of(
            "DATABASE_URL", "postgres://shop:pg%2Fsecret@127.0.0.1:5433/shop",
            "PGHOST", "127.0.0.1", "PGPORT", "5433", "PGUSER", "shop", "PGPASSWORD", "pg/secret", "PGDATABASE", "shop");
    static final Map<String, String> MYSQL = Map.of(
            "DATABASE_URL", "mysql://shop:my-secret@127.0.0.1:3307/shop",
            "MYSQL_HOST", "127.0.0.1", "MYSQL_PORT", "3307", "MYSQL_USER", "shop", "MYSQL_PASSWORD", "my-secret",
            "MYSQL_DATABASE", "shop");
    static final Map<String, String> VALKEY = Map.of(
            "VALKEY_URL", "redis://:pw%40v4lk3y@127.0.0.1:6390", "VALKEY_HOST", "127.0.0.1", "VALKEY_PORT", "6390",
            "VALKEY_PASSWORD", "pw@v4lk3y", "REDIS_URL", "redis://:pw%40v4lk3y@127.0.0.1:6390", "REDIS_HOST", "127.0.0.1",
            "REDIS_PORT", "6390", "REDIS_PASSWORD", "pw@v4lk3y");
    static final Map<String, String> RABBITMQ = Map.of(
            "RABBITMQ_URL", "amqp://shop:rabbit-secret@127.0.0.1:5673/shop", "RABBITMQ_HOST", "127.0.0.1",
            "RABBITMQ_PORT", "5673", "RABBITMQ_USER", "shop", "RABBITMQ_PASSWORD", "rabbit-secret",
            "RABBITMQ_VHOST", "shop");

    static AddonConnections connections(Map<String, String> variables) {
        return AddonConnections.of(Environment.of("test", variables),
                AddonProviders.of(AddonConnectionsTest.class.getClassLoader()));
    }

    @SafeVarargs
    static Map<String, String> merged(Map<String, String>... maps) {
        Map<String, String> all = new LinkedHashMap<>();
        for (Map<String, String> map : maps) {
            all.putAll(map);
        }
        return all;
    }

    @Test
    void aPostgresqlAddonGivesJdbcConnectionDetailsFromWhatItsProviderMaps() {
        JdbcConnectionDetails jdbc = AddonConnectionDetails.jdbc(connections(POSTGRES)).orElseThrow();

        assertThat(jdbc.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5433/shop");
        assertThat(jdbc.getUsername()).isEqualTo("shop");
        assertThat(jdbc.getPassword()).isEqualTo("pg/secret");
        assertThat(jdbc.getDriverClassName()).isEqualTo("org.postgresql.Driver");
        assertThat(jdbc.toString()).contains("postgresql").doesNotContain("secret");
    }

    @Test
    void r2dbcOptionsComeFromTheSameSqlAddon() {
        R2dbcConnectionDetails r2dbc = AddonR2dbcConnectionDetails.of(connections(POSTGRES)).orElseThrow();
        ConnectionFactoryOptions options = r2dbc.getConnectionFactoryOptions();

        assertThat(options.getValue(ConnectionFactoryOptions.DRIVER)).isEqualTo("postgresql");
        assertThat(options.getValue(ConnectionFactoryOptions.HOST)).isEqualTo("127.0.0.1");
        assertThat(options.getValue(ConnectionFactoryOptions.PORT)).isEqualTo(5433);
        assertThat(options.getValue(ConnectionFactoryOptions.DATABASE)).isEqualTo("shop");
        assertThat(options.getValue(ConnectionFactoryOptions.USER)).isEqualTo("shop");
        assertThat(String.valueOf(options.getValue(ConnectionFactoryOptions.PASSWORD))).isEqualTo("pg/secret");
        assertThat(r2dbc.toString()).doesNotContain("secret");
    }

    @Test
    void withTwoSqlAddonsTheFirstByNameGivesTheDataSourceAsItKeepsDatabaseUrl() {
        AddonConnections both = connections(merged(POSTGRES, MYSQL));

        assertThat(both.addons()).extracting(AddonConnections.AddonProperties::addon)
                .containsExactly("mysql", "postgresql");
        assertThat(AddonConnectionDetails.jdbc(both).orElseThrow().getJdbcUrl())
                .isEqualTo("jdbc:mysql://127.0.0.1:3307/shop");
    }

    @Test
    void aValkeyAddonGivesRedisConnectionDetails() {
        RedisConnectionDetails redis = AddonConnectionDetails.redis(connections(VALKEY)).orElseThrow();

        assertThat(redis.getStandalone().getHost()).isEqualTo("127.0.0.1");
        assertThat(redis.getStandalone().getPort()).isEqualTo(6390);
        assertThat(redis.getStandalone().getDatabase()).isZero();
        assertThat(redis.getUsername()).isNull();
        assertThat(redis.getPassword()).isEqualTo("pw@v4lk3y");
        assertThat(redis.toString()).contains("valkey").doesNotContain("v4lk3y");
    }

    @Test
    void aRabbitmqAddonGivesRabbitConnectionDetails() {
        RabbitConnectionDetails rabbit = AddonConnectionDetails.rabbit(connections(RABBITMQ)).orElseThrow();

        assertThat(rabbit.getAddresses()).containsExactly(new RabbitConnectionDetails.Address("127.0.0.1", 5673));
        assertThat(rabbit.getUsername()).isEqualTo("shop");
        assertThat(rabbit.getPassword()).isEqualTo("rabbit-secret");
        assertThat(rabbit.getVirtualHost()).isEqualTo("shop");
        assertThat(rabbit.toString()).doesNotContain("rabbit-secret");
    }

    @Test
    void eachAddonGivesOnlyItsOwnDetails() {
        AddonConnections all = connections(merged(POSTGRES, VALKEY, RABBITMQ));
        AddonConnections valkeyOnly = connections(merged(VALKEY, Map.of("PATH", "/usr/bin")));

        assertThat(all.addons()).extracting(AddonConnections.AddonProperties::addon)
                .containsExactly("postgresql", "rabbitmq", "valkey");
        assertThat(AddonConnectionDetails.jdbc(valkeyOnly)).isEmpty();
        assertThat(AddonConnectionDetails.rabbit(valkeyOnly)).isEmpty();
        assertThat(connections(Map.of("PATH", "/usr/bin")).addons()).isEmpty();
        assertThat(all.toString()).doesNotContain("secret").doesNotContain("v4lk3y");
    }

    @Test
    void aPortThatIsNoPortIsRefusedNamingTheAddonThePropertyAndTheValue() {
        Map<String, String> broken = new LinkedHashMap<>(RABBITMQ);
        broken.put("RABBITMQ_PORT", "70000");
        RabbitConnectionDetails rabbit = AddonConnectionDetails.rabbit(connections(broken)).orElseThrow();

        assertThatThrownBy(rabbit::getAddresses).hasMessage(
                "Addon rabbitmq maps spring.rabbitmq.port to '70000', which is not a port: use 1 to 65535");
    }
}
