package dev.addons.core.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.addons.api.AddonSpec;
import dev.addons.api.InvalidSpecException;
import dev.addons.core.AppFile;
import dev.addons.core.BackupPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads app files with Jackson's TOML module and checks their shape: only known keys, string
 * values, valid names. Whether an addon, variant or version exists is checked later, against the
 * registry. Fails fast with the file, the key and what is allowed; never repairs.
 */
public final class AppFileParser {
    private static final TomlMapper MAPPER = new TomlMapper();
    private static final Set<String> TOP_KEYS = Set.of("name", "runtime", "addons");
    private static final Set<String> ADDON_KEYS = Set.of("variant", "version", "server", "backups",
            "sleep_after", "connections");
    private static final Set<String> BACKUP_KEYS = Set.of("schedule", "keep_last", "max_age", "manual_per_day");

    private AppFileParser() {
    }

    /** Initializes this class, whose TOML mapper takes tens of milliseconds to make in a new JVM. */
    public static void preload() {
        // Nothing more: the mapper is made by this class's initialization, which calling this ran.
    }

    public static AppFile read(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new InvalidSpecException("App file not found: " + path);
        } catch (IOException e) {
            throw new InvalidSpecException("Cannot read app file " + path + ": " + e.getMessage(), e);
        }
        return parse(text, path.toString());
    }

    public static AppFile parse(String toml, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(toml);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr();
            throw new InvalidSpecException(source + ": malformed TOML" + where + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSpecException(source + ": empty app file: it needs at least name = \"APP\"");
        }
        rejectUnknown(source, "", root, TOP_KEYS);
        String name = Names.app(source + ": name", string(source, "name", root.get("name"), true));
        String runtime = string(source, "runtime", root.get("runtime"), false);
        Map<String, AddonSpec> addons = new LinkedHashMap<>();
        Map<String, BackupPolicy> backups = new LinkedHashMap<>();
        JsonNode table = root.get("addons");
        if (table != null) {
            if (!table.isObject()) {
                throw new InvalidSpecException(source + ": addons must be a table, e.g. [addons.postgresql]");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String addon = Names.addon(source + ": addon name", entry.getKey());
                addons.put(addon, addon(source, addon, entry.getValue()));
                JsonNode policy = entry.getValue().get("backups");
                if (policy != null) {
                    backups.put(addon, backups(source, "addons." + addon + ".backups", policy));
                }
            }
        }
        return new AppFile(name, runtime, addons, backups);
    }

    private static AddonSpec addon(String source, String addon, JsonNode node) {
        String prefix = "addons." + addon;
        if (!node.isObject()) {
            throw new InvalidSpecException(source + ": " + prefix + " must be a table, e.g. [" + prefix + "]");
        }
        rejectUnknown(source, prefix + ".", node, ADDON_KEYS);
        String sleepAfter = string(source, prefix + ".sleep_after", node.get("sleep_after"), false);
        return new AddonSpec(addon,
                string(source, prefix + ".variant", node.get("variant"), false),
                version(source, prefix + ".version", node.get("version")),
                string(source, prefix + ".server", node.get("server"), false),
                sleepAfter == null ? null : AddonSpec.parseSleepAfter(source + ": " + prefix + ".sleep_after",
                        sleepAfter),
                // Its range is the engine's, checked when the file is deployed.
                node.has("connections") ? integer(source, prefix + ".connections", node.get("connections")) : null);
    }

    private static BackupPolicy backups(String source, String prefix, JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidSpecException(source + ": " + prefix + " must be a table, e.g. [" + prefix + "]");
        }
        rejectUnknown(source, prefix + ".", node, BACKUP_KEYS);
        BackupPolicy policy = BackupPolicy.DEFAULT;
        try {
            String schedule = string(source, prefix + ".schedule", node.get("schedule"), false);
            if (schedule != null) {
                policy = policy.withSchedule(BackupPolicy.parseDuration(prefix + ".schedule", schedule));
            }
            String maxAge = string(source, prefix + ".max_age", node.get("max_age"), false);
            if (maxAge != null) {
                policy = policy.withMaxAge(BackupPolicy.parseDuration(prefix + ".max_age", maxAge));
            }
            if (node.has("keep_last")) {
                policy = policy.withKeepLast(integer(source, prefix + ".keep_last", node.get("keep_last")));
            }
            if (node.has("manual_per_day")) {
                policy = policy.withManualPerDay(integer(source, prefix + ".manual_per_day",
                        node.get("manual_per_day")));
            }
        } catch (InvalidSpecException e) {
            if (e.getMessage().startsWith(source)) {
                throw e;
            }
            throw new InvalidSpecException(source + ": " + (e.getMessage().startsWith(prefix) ? "" : prefix + ": ")
                    + e.getMessage(), e);
        }
        return policy;
    }

    private static int integer(String source, String key, JsonNode node) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            String shown = node.isTextual() ? "\"" + Names.printable(node.asText()) + "\"" : node.asText();
            throw new InvalidSpecException(source + ": " + key + " = " + shown + " must be a whole number, "
                    + "e.g. " + key.substring(key.lastIndexOf('.') + 1) + " = 7");
        }
        return node.asInt();
    }

    private static String version(String source, String key, JsonNode node) {
        if (node != null && node.isIntegralNumber()) {
            return node.asText();
        }
        if (node != null && node.isNumber()) {
            throw new InvalidSpecException(source + ": " + key + " = " + node.asText()
                    + " is a number: quote it, e.g. version = \"" + node.asText() + "\"");
        }
        return string(source, key, node, false);
    }

    private static String string(String source, String key, JsonNode node, boolean required) {
        if (node == null) {
            if (required) {
                throw new InvalidSpecException(source + ": " + key + " is missing, e.g. " + key + " = \"myapp\"");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidSpecException(source + ": " + key + " must be a string, got " + node.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT));
        }
        if (node.asText().isBlank()) {
            throw new InvalidSpecException(source + ": " + key + " is empty");
        }
        return node.asText();
    }

    private static void rejectUnknown(String source, String prefix, JsonNode node, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new InvalidSpecException(source + ": unknown key '" + prefix + Names.printable(key)
                        + "'. Allowed: " + new java.util.TreeSet<>(allowed));
            }
        }
    }
}
