package dev.addons.rabbitmq;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON the management API speaks, read with Jackson into plain Java values and written back:
 * objects as {@code Map<String, Object>} (in their order), arrays as {@code List<Object>},
 * strings, integers as {@code Integer}, {@code Long} or {@code BigInteger}, other numbers as
 * {@link java.math.BigDecimal} (exactly as written), booleans, and {@code null}. Thread-safe.
 */
final class Json {
    /** Deeper nesting than a definitions export has is refused before it costs a deep stack. */
    static final int MAX_DEPTH = 64;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** The value {@code text} holds; throws {@link IllegalArgumentException} saying where it is not JSON. */
    static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String what = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
            throw new IllegalArgumentException("not JSON: " + what
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        }
    }

    /** {@code value} (maps, lists, strings, numbers, booleans and nulls) as JSON text. */
    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON value: " + e.getOriginalMessage(), e);
        }
    }
}
