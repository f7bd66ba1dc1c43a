package dev.addons.junit;

import dev.addons.api.AddonRecord;
import dev.addons.core.Addons;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The system properties frameworks read their connections from, set from an addon set's
 * variables while its scope is active: Spring Boot's names, as each addon's provider maps its
 * credentials ({@link dev.addons.api.spi.AddonProvider#springBootProperties}), e.g.
 * {@code spring.datasource.*} from a SQL addon, {@code spring.data.redis.url} from Valkey. A
 * property two addons of the set map keeps the value of the one declared first. Restoring puts
 * back the values the properties had before.
 */
final class FrameworkProperties {
    private final Map<String, String> former;

    private FrameworkProperties(Map<String, String> former) {
        this.former = former;
    }

    /** The properties {@code records} (the app's addons, in declaration order) give, by name. */
    static Map<String, String> of(Addons addons, String app, String environment, List<AddonRecord> records) {
        Map<String, String> out = new LinkedHashMap<>();
        for (AddonRecord record : records) {
            addons.providers().require(record.addon())
                    .springBootProperties(addons.app(app, environment).credentials(record.addon()))
                    .forEach(out::putIfAbsent);
        }
        return out;
    }

    /** Sets {@code properties}, remembering their former values. */
    static FrameworkProperties set(Map<String, String> properties) {
        Map<String, String> former = new LinkedHashMap<>();
        properties.forEach((name, value) -> former.put(name, System.setProperty(name, value)));
        return new FrameworkProperties(former);
    }

    /** Puts back the former values, clearing the properties that had none. */
    void restore() {
        former.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }
}
