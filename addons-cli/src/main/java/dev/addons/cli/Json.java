package dev.addons.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.addons.api.AddonRecord;
import dev.addons.api.Variant;
import dev.addons.core.AddonInfo;
import dev.addons.core.BackupInfo;
import dev.addons.core.BackupPolicy;
import dev.addons.core.DeployResult;
import dev.addons.core.VersionInfo;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code --json} shapes of the CLI's output. Field names are part of the command's contract;
 * statuses and availability states are lower case, instants ISO-8601.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static void print(PrintWriter out, Object value) {
        try {
            out.println(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
        out.flush();
    }

    static Map<String, Object> record(AddonRecord record) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", record.id());
        map.put("app", record.app());
        map.put("environment", record.environment());
        map.put("addon", record.addon());
        map.put("variant", record.variant());
        map.put("version", record.version());
        map.put("runtime", record.runtime());
        map.put("status", Watcher.label(record.status()));
        map.put("message", record.message());
        map.put("createdAt", record.createdAt().toString());
        map.put("updatedAt", record.updatedAt().toString());
        return map;
    }

    /** A server's history: {@code restarts}, {@code lastCrashAt} (null when never), {@code lastCrash}. */
    static Map<String, Object> history(dev.addons.core.ServerHistory history) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("restarts", history.restarts());
        map.put("lastCrashAt", history.lastCrashTime().map(Object::toString).orElse(null));
        map.put("lastCrash", history.lastCrash());
        return map;
    }

    static List<Map<String, Object>> records(List<AddonRecord> records) {
        return records.stream().map(Json::record).toList();
    }

    static Map<String, Object> deploy(DeployResult result) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("app", result.app());
        map.put("environment", result.environment());
        map.put("active", records(result.active()));
        map.put("destroyed", records(result.destroyed()));
        return map;
    }

    static Map<String, Object> backup(BackupInfo backup) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("file", backup.file().toString());
        map.put("app", backup.app());
        map.put("environment", backup.environment());
        map.put("addon", backup.addon());
        map.put("version", backup.version());
        map.put("variant", backup.variant());
        map.put("createdAt", backup.createdAt().toString());
        map.put("trigger", backup.trigger());
        map.put("payloadBytes", backup.payloadBytes());
        map.put("archiveBytes", backup.archiveBytes());
        map.put("sha256", backup.sha256());
        return map;
    }

    static Map<String, Object> policy(BackupPolicy policy) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("schedule", BackupPolicy.format(policy.schedule()));
        map.put("keepLast", policy.keepLast());
        map.put("maxAge", policy.maxAge() == null ? null : BackupPolicy.format(policy.maxAge()));
        map.put("manualPerDay", policy.manualPerDay());
        return map;
    }

    static Map<String, Object> addon(AddonInfo info) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", info.name());
        map.put("aliases", new TreeSet<>(info.aliases()));
        map.put("description", info.description());
        map.put("defaultVersion", info.defaultVersion());
        map.put("defaultVersions", info.defaultVersions());
        map.put("variants", info.variants().stream().map(v -> variant(v, info.defaultVariant())).toList());
        map.put("versions", info.versions().stream().map(Json::version).toList());
        return map;
    }

    static Map<String, Object> variant(Variant variant, String defaultVariant) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", variant.name());
        map.put("description", variant.description());
        map.put("shared", variant.shared());
        map.put("default", variant.name().equals(defaultVariant));
        return map;
    }

    private static Map<String, Object> version(VersionInfo version) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("version", version.version());
        map.put("default", version.isDefault());
        map.put("availability", version.availability().state().label());
        map.put("detail", version.availability().detail());
        map.put("backupLimit", version.backupLimit());
        return map;
    }
}
