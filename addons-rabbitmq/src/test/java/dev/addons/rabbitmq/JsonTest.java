package dev.addons.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void aDefinitionsExportIsReadIntoMapsListsStringsNumbersAndBooleansAndWrittenBackTheSame() {
        String export = "{\"rabbit_version\":\"3.10.8\",\"queues\":[{\"name\":\"orders.\\\"q\\\"\\u00e9\","
                + "\"durable\":true,\"auto_delete\":false,"
                + "\"arguments\":{\"x-message-ttl\":600000,\"x-weight\":-1.5e3,\"x-ratio\":0.1}}],"
                + "\"exchanges\":[],\"policies\":null}";

        Object parsed = Json.parse(" \n" + export + "\t");

        assertThat(parsed).isInstanceOf(Map.class);
        assertThat(List.copyOf(((Map<?, ?>) parsed).keySet())).as("in their order")
                .isEqualTo(List.of("rabbit_version", "queues", "exchanges", "policies"));
        Map<?, ?> queue = (Map<?, ?>) ((List<?>) ((Map<?, ?>) parsed).get("queues")).get(0);
        assertThat(queue.get("name")).isEqualTo("orders.\"q\"é");
        assertThat(queue.get("durable")).isEqualTo(true);
        Map<?, ?> arguments = (Map<?, ?>) queue.get("arguments");
        assertThat(arguments.get("x-message-ttl")).isEqualTo(600000);
        assertThat(arguments.get("x-ratio")).as("exactly as written").isEqualTo(new BigDecimal("0.1"));
        assertThat(Json.parse(Json.write(parsed))).isEqualTo(parsed);
        assertThat(Json.write(parsed)).contains("\"policies\":null", "\"x-message-ttl\":600000", "\"x-ratio\":0.1");
    }

    @Test
    void aStringIsWrittenEscaped() {
        String awkward = "pa\"ss\\w\u0001rd";

        assertThat(Json.write(Map.of("password", awkward))).isEqualTo("{\"password\":\"pa\\\"ss\\\\w\\u0001rd\"}");
        assertThat(Json.parse(Json.write(Map.of("password", awkward)))).isEqualTo(Map.of("password", awkward));
    }

    @Test
    void somethingElseIsRefusedSayingWhere() {
        assertThatThrownBy(() -> Json.parse("REDIS0010")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON: ").hasMessageEndingWith("(line 1, column 10)");
        assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON: Unrecognized token 'x'").hasMessageEndingWith("(line 1, column 10)");
        assertThatThrownBy(() -> Json.parse("{\"a\":1} {}")).as("a second value after the first")
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not JSON: Trailing token");
        assertThatThrownBy(() -> Json.parse("{\"a\":\"cut")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON: ").hasMessageContaining("end-of-input");
        assertThatThrownBy(() -> Json.parse("[".repeat(100))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nesting depth").hasMessageContaining("(" + Json.MAX_DEPTH + ",");
        assertThatThrownBy(() -> Json.parse("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON: ");
    }

    @Test
    void aDefinitionsExportIsAnObjectWithListsOfObjects() {
        assertThat(RabbitMqDefinitions.parse("{\"queues\":[],\"exchanges\":[]}")).containsKeys("queues", "exchanges");
        assertThatThrownBy(() -> RabbitMqDefinitions.parse("[]")).hasMessage("not a JSON object");
        assertThatThrownBy(() -> RabbitMqDefinitions.parse("{\"users\":[]}"))
                .hasMessage("none of [bindings, policies, parameters, queues, exchanges]");
        assertThatThrownBy(() -> RabbitMqDefinitions.parse("{\"queues\":[1]}"))
                .hasMessage("'queues' is not a list of objects");
    }
}
