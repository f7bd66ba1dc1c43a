package dev.addons.api.spi;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a provider created for a tenant (user, password, database, ...), kept by addons in an
 * owner-only file and handed back for {@link AddonProvider#credentials} and
 * {@link AddonProvider#deprovision}. Values may be secrets: {@link #toString()} shows keys only.
 *
 * @param values the provider's own keys and values
 */
public record Binding(Map<String, String> values) {
    public Binding {
        values = Map.copyOf(values);
    }

    /** The value of {@code key}; throws {@link IllegalStateException} when it is missing. */
    public String require(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalStateException("binding has no '" + key + "'; keys: " + new TreeMap<>(values).keySet());
        }
        return value;
    }

    public static Binding of(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up");
        }
        var map = new java.util.HashMap<String, String>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(Objects.requireNonNull(keysAndValues[i]), Objects.requireNonNull(keysAndValues[i + 1]));
        }
        return new Binding(map);
    }

    @Override
    public String toString() {
        return "Binding" + new TreeMap<>(values).keySet();
    }
}
