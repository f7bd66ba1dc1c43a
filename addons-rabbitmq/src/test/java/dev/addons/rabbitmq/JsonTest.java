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
        String export = "{\"rabbit_version\":\"3.10.8\",\"queues\":[{\"name\":\"orders.\\\"q\\\"\\u00e9\",\"durable\":true,"
                + "\"auto_delete\":false,\"arguments\":{\"x-message-ttl\":600000,\"x-weight\":-1.5e3}}],"
                + "\"exchanges\":[],\"policies\":null}";

        Object parsed = Json.parse(" \n" + export + "\t");

        assertThat(parsed).isInstanceOf(Map.class);
        Map<?, ?> queue = (Map<?, ?>) ((List<?>) ((Map<?, ?>) parsed).get("queues")).get(0);
        assertThat(queue.get("name")).isEqualTo("orders.\"q\"é");
        assertThat(queue.get("durable")).isEqualTo(true);
        assertThat(((Map<?, ?>) queue.get("arguments")).get("x-message-ttl")).isEqualTo(new BigDecimal("600000"));
        assertThat(Json.parse(Json.write(parsed))).isEqualTo(parsed);
        assertThat(Json.write(parsed)).contains("\"policies\":null", "\"x-message-ttl\":600000");
    }

    @Test
    void somethingElseIsRefusedSayingWhere() {
        assertThatThrownBy(() -> Json.parse("REDIS0010")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not JSON: a value expected at character 0");
        assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).hasMessage("not JSON: text after the value at character 8");
        assertThatThrownBy(() -> Json.parse("{\"a\":\"cut")).hasMessage("not JSON: an unterminated string at character 9");
        assertThatThrownBy(() -> Json.parse("[".repeat(100))).hasMessageContaining("nested deeper than 64");
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
