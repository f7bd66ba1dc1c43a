package dev.addons.core.internal.process;

import dev.addons.api.InvalidSpecException;
import dev.addons.core.runtime.RuntimeContext;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many warm servers the process runtime keeps per engine and version, from the runtime
 * settings {@code process.warm} (every engine and version it starts), {@code process.warm.<engine>}
 * and {@code process.warm.<engine>.<version>}; the most specific setting wins. Immutable.
 *
 * @param all      the size of every pool no other setting names
 * @param specific the sizes set for an engine ({@code <engine>}) or one of its versions
 *                 ({@code <engine>.<version>})
 */
record WarmSizes(int all, Map<String, Integer> specific) {
    /** No warm servers. */
    static final WarmSizes NONE = new WarmSizes(0, Map.of());

    WarmSizes {
        specific = Map.copyOf(specific);
    }

    /** The sizes {@code context}'s settings (and the system properties they fall back to) give. */
    static WarmSizes of(RuntimeContext context) {
        Map<String, String> given = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith(RuntimeContext.PROPERTY_PREFIX + ProcessRuntime.WARM_SETTING))
                .forEach(name -> given.put(name.substring(RuntimeContext.PROPERTY_PREFIX.length()),
                        System.getProperty(name)));
        context.settings().forEach((name, value) -> {
            if (name.startsWith(ProcessRuntime.WARM_SETTING)) {
                given.put(name, value);
            }
        });
        int all = 0;
        Map<String, Integer> specific = new TreeMap<>();
        for (Map.Entry<String, String> setting : given.entrySet()) {
            String name = setting.getKey();
            if (name.equals(ProcessRuntime.WARM_SETTING)) {
                all = parse(name, setting.getValue());
            } else if (name.startsWith(ProcessRuntime.WARM_SETTING + ".")
                    && name.length() > ProcessRuntime.WARM_SETTING.length() + 1) {
                specific.put(name.substring(ProcessRuntime.WARM_SETTING.length() + 1), parse(name, setting.getValue()));
            } else {
                throw new InvalidSpecException("unknown runtime setting '" + name + "'. Allowed: "
                        + ProcessRuntime.WARM_SETTING + ", " + ProcessRuntime.WARM_SETTING + ".<engine>, "
                        + ProcessRuntime.WARM_SETTING + ".<engine>.<version>");
            }
        }
        return new WarmSizes(all, specific);
    }

    /** The size of the pool of {@code engine}'s {@code version}. */
    int size(String engine, String version) {
        Integer exact = specific.get(engine + "." + version);
        if (exact != null) {
            return exact;
        }
        Integer forEngine = specific.get(engine);
        return forEngine != null ? forEngine : all;
    }

    /** The engines and versions named by a setting, as {@code engine} or {@code engine.version}, with their sizes. */
    Map<String, Integer> named() {
        return specific;
    }

    private static int parse(String name, String value) {
        String stripped = value == null ? "" : value.strip();
        try {
            int size = Integer.parseInt(stripped);
            if (size >= 0 && size <= ProcessRuntime.MAX_WARM) {
                return size;
            }
        } catch (NumberFormatException e) {
            // Said below.
        }
        throw new InvalidSpecException(name + " must be a whole number from 0 to " + ProcessRuntime.MAX_WARM
                + " (servers started ahead, each taken by a new server of that engine and version), not '"
                + stripped + "'");
    }
}
